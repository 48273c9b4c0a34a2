import assert from "node:assert/strict";
import {
  dumpHeapOnSignal,
  HEAP_DUMP_DIR_ENV,
  HEAP_DUMP_KIND_ENV,
  writeMallocInfo,
} from "./heap_dump.ts";
import { summarize } from "../tools/heap/heap_summary.ts";

/**
 * Runs `body` as a child Deno process that has `dumpHeapOnSignal` imported, with
 * PIPELINE_HEAP_DUMP_DIR set to `dumpDir` (the script is written into `dir`).
 */
async function runChild(dir: string, body: string, dumpDir: string): Promise<Deno.CommandOutput> {
  const script = `${dir}/child.ts`;
  const module = new URL("./heap_dump.ts", import.meta.url).href;
  await Deno.writeTextFile(
    script,
    `import { dumpHeapOnSignal } from ${JSON.stringify(module)};\n${body}`,
  );
  return await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-env", "--allow-read", "--allow-run", script],
    env: { [HEAP_DUMP_DIR_ENV]: dumpDir },
  }).output();
}

Deno.test("malloc_info writes every arena's free chunks as XML", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.ok(writeMallocInfo(`${dir}/malloc.xml`), "glibc and FFI are available here");
    const xml = await Deno.readTextFile(`${dir}/malloc.xml`);
    assert.match(xml, /^<malloc version="1">/);
    assert.match(xml, /<heap nr="0">/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without the folder set nothing listens: SIGUSR2 keeps its default action", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = await runChild(
      dir,
      `dumpHeapOnSignal("host", true);
Deno.kill(Deno.pid, "SIGUSR2"); // with no listener, this ends the process
await new Promise((resolve) => setTimeout(resolve, 10_000));
console.log("a listener caught SIGUSR2");
`,
      "",
    );
    assert.equal(out.signal, "SIGUSR2", new TextDecoder().decode(out.stdout));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a dump kind other than heap or malloc is refused, naming the variable and its values", async () => {
  const dir = await Deno.makeTempDir();
  Deno.env.set(HEAP_DUMP_DIR_ENV, dir);
  Deno.env.set(HEAP_DUMP_KIND_ENV, "mallocs");
  try {
    assert.throws(
      () => dumpHeapOnSignal("host", true),
      /PIPELINE_HEAP_DUMP_KIND must be heap or malloc \(or unset: heap\), got "mallocs"/,
    );
  } finally {
    Deno.env.delete(HEAP_DUMP_DIR_ENV);
    Deno.env.delete(HEAP_DUMP_KIND_ENV);
    await Deno.remove(dir, { recursive: true });
  }
});

class RetainedForTest {
  constructor(readonly n: number) {}
}

Deno.test("SIGUSR2 writes this thread's heap snapshot, which shows what it retains", async () => {
  const dir = await Deno.makeTempDir();
  Deno.env.set(HEAP_DUMP_DIR_ENV, dir);
  const retained = Array.from({ length: 5000 }, (_, i) => new RetainedForTest(i));
  const written = Promise.withResolvers<void>();
  const watcher = Deno.watchFs(dir);
  const stop = dumpHeapOnSignal("host", true);
  try {
    (async () => {
      for await (const _ of watcher) {
        const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
        if (names.includes("host-1.heapsnapshot")) return written.resolve();
      }
    })();
    Deno.kill(Deno.pid, "SIGUSR2");
    await written.promise;
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, ["host-1.heapsnapshot", "malloc-1.xml"]);
    const summary = summarize(await Deno.readTextFile(`${dir}/host-1.heapsnapshot`));
    assert.equal(summary.get("object RetainedForTest")?.count, retained.length);
  } finally {
    stop();
    watcher.close();
    Deno.env.delete(HEAP_DUMP_DIR_ENV);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a folder the process may not write is logged, and the process goes on", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = await runChild(
      dir,
      `const stop = dumpHeapOnSignal("host");
// Listeners run in the order they were added: once this one runs, the dump has run. Signal
// listeners do not keep a process alive; the interval does until then.
const alive = setInterval(() => {}, 1000);
const after = () => {
  clearInterval(alive);
  stop();
  Deno.removeSignalListener("SIGUSR2", after);
  console.log("still running");
};
Deno.addSignalListener("SIGUSR2", after);
Deno.kill(Deno.pid, "SIGUSR2");
`,
      `${dir}/not-writable`,
    );
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.match(stdout, /still running/);
    assert.match(stderr, /HeapSnapshotFailed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
