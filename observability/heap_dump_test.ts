import assert from "node:assert/strict";
import { dumpHeapOnSignal, HEAP_DUMP_DIR_ENV, writeMallocInfo } from "./heap_dump.ts";
import { summarize } from "../tools/heap/heap_summary.ts";

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

Deno.test("without the folder set, a signal writes nothing and nothing listens", () => {
  Deno.env.delete(HEAP_DUMP_DIR_ENV);
  const stop = dumpHeapOnSignal("host", true);
  stop();
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
