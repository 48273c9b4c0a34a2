import assert from "node:assert/strict";
import { buildTable } from "./table_builder.ts";
import { openSharedTable, openTable } from "./open_table.ts";
import { TableFormatError } from "./table_format.ts";
import {
  formatIpv4,
  formatIpv6,
  generateDb5,
  sampleV4,
  writeDb5Csv,
  writeDb5Ipv6Csv,
} from "./testing.ts";

async function withTable(fn: (path: string, dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "geoip_open_" });
  try {
    const data = generateDb5({ ranges: 30_000, v6Ranges: 100, seed: 21 });
    await writeDb5Csv(data, `${dir}/v4.csv`);
    await writeDb5Ipv6Csv(data, `${dir}/v6.csv`);
    await buildTable({
      ipv4Csv: `${dir}/v4.csv`,
      ipv6Csv: `${dir}/v6.csv`,
      out: `${dir}/t.bin`,
      mode: "fail",
    });
    await fn(`${dir}/t.bin`, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the mmap path and the SharedArrayBuffer fallback give identical answers", async () => {
  await withTable(async (path) => {
    const data = generateDb5({ ranges: 30_000, v6Ranges: 100, seed: 21 });
    const mapped = await openTable(path, "mmap");
    const read = await openTable(path, "read");
    const shared = openSharedTable(read.buffer as SharedArrayBuffer, path);
    try {
      assert.deepEqual([mapped.mapping, read.mapping, shared.mapping], ["mmap", "read", "shared"]);
      assert.ok(read.buffer instanceof SharedArrayBuffer);
      assert.equal(mapped.version, read.version);
      const ips = [
        ...sampleV4(data, 30_000).map(formatIpv4),
        ...data.v6Starts.map(formatIpv6),
        ...data.v6Ends.map((end) => formatIpv6(end + 1n)),
        "::ffff:10.1.2.3",
        "not an ip",
      ];
      let located = 0;
      for (const ip of ips) {
        const answer = mapped.lookup(ip);
        assert.deepEqual(read.lookup(ip), answer, ip);
        assert.deepEqual(shared.lookup(ip), answer, ip);
        if (answer !== null && answer !== "invalid") located++;
      }
      assert.ok(located > ips.length / 2);
    } finally {
      mapped.close();
      shared.close();
      read.close();
    }
  });
});

Deno.test("opens by reading into a SharedArrayBuffer when FFI is not permitted", async () => {
  await withTable(async (path, dir) => {
    // `deno eval` grants every permission: a script run with --allow-read only has no FFI.
    const script = `
      const { openTable } = await import(${JSON.stringify(import.meta.resolve("./open_table.ts"))});
      const table = await openTable(${JSON.stringify(path)});
      console.log(JSON.stringify({ mapping: table.mapping, version: table.version, a: table.lookup("0.0.0.1") }));
      table.close();`;
    await Deno.writeTextFile(`${dir}/probe.ts`, script);
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-check", "--allow-read", `${dir}/probe.ts`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    const child = JSON.parse(new TextDecoder().decode(output.stdout));
    const table = await openTable(path, "mmap");
    try {
      assert.deepEqual(child, {
        mapping: "read",
        version: table.version,
        a: table.lookup("0.0.0.1"),
      });
    } finally {
      table.close();
    }
  });
});

Deno.test("refuses a truncated or foreign file with TableFormatError", async () => {
  await withTable(async (path, dir) => {
    const bytes = await Deno.readFile(path);
    await Deno.writeFile(`${dir}/short.bin`, bytes.subarray(0, bytes.length - 8));
    await Deno.writeFile(`${dir}/foreign.bin`, new Uint8Array(4096).fill(7));
    for (const mode of ["mmap", "read"] as const) {
      await assert.rejects(openTable(`${dir}/short.bin`, mode), TableFormatError);
      await assert.rejects(openTable(`${dir}/foreign.bin`, mode), TableFormatError);
    }
  });
});

Deno.test("a closed table throws on lookup instead of touching unmapped memory", async () => {
  await withTable(async (path) => {
    const table = await openTable(path, "mmap");
    table.close();
    table.close();
    assert.ok(table.closed);
    assert.throws(() => table.lookup("1.2.3.4"), /range table .* is closed/);
  });
});
