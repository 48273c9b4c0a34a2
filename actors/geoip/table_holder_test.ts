import assert from "node:assert/strict";
import { buildTable } from "./table_builder.ts";
import { openTable } from "./open_table.ts";
import type { RangeTable } from "./range_table.ts";
import { TableHolder } from "./table_holder.ts";
import { type Db5Data, expectedV4, formatIpv4, generateDb5, prng, writeDb5Csv } from "./testing.ts";

interface Built {
  readonly data: Db5Data;
  readonly path: string;
  readonly version: string;
}

async function buildVersions(dir: string): Promise<[Built, Built]> {
  const build = async (seed: number): Promise<Built> => {
    const data = generateDb5({ ranges: 20_000, seed });
    await writeDb5Csv(data, `${dir}/v${seed}.csv`);
    const summary = await buildTable({
      ipv4Csv: `${dir}/v${seed}.csv`,
      out: `${dir}/t${seed}.bin`,
      mode: "fail",
    });
    return { data, path: summary.path, version: summary.version };
  };
  return [await build(1), await build(2)];
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("swaps tables under continuous lookups: every answer is the old or new version's", async () => {
  const dir = await Deno.makeTempDir({ prefix: "geoip_swap_" });
  const [a, b] = await buildVersions(dir);
  const byVersion = new Map([[a.version, a], [b.version, b]]);
  const opened: RangeTable[] = [await openTable(a.path, "mmap")];
  const holder = new TableHolder(opened[0]!);
  let running = true;
  type Meeting = { reached: PromiseWithResolvers<void>; swapped: PromiseWithResolvers<void> };
  const midBatch: { next: Meeting | null } = { next: null };
  const stats = {
    lookups: 0,
    failed: 0,
    slices: 0,
    straddled: 0,
    byVersion: new Map<string, number>(),
  };
  const random = prng(4);
  const lookups = (async () => {
    while (running) {
      const lease = holder.acquire();
      assert.ok(lease !== null);
      const version = byVersion.get(lease.table.version)!;
      for (let k = 0; k < 1500; k++) {
        // Half-way, a batch may await while holding its lease; some swaps land right there.
        const meeting = k === 750 ? midBatch.next : null;
        if (meeting !== null) {
          midBatch.next = null;
          meeting.reached.resolve();
          await meeting.swapped.promise;
          if (holder.version !== lease.table.version) stats.straddled++;
        } else if (k === 750 && stats.slices % 3 === 0) {
          await tick();
        }
        const ip = Math.floor(random() * 2 ** 32);
        const answer = lease.table.lookup(formatIpv4(ip));
        if (JSON.stringify(answer) !== JSON.stringify(expectedV4(version.data, ip))) stats.failed++;
        stats.lookups++;
      }
      stats.byVersion.set(version.version, (stats.byVersion.get(version.version) ?? 0) + 1);
      stats.slices++;
      lease.release();
      await tick();
    }
  })();
  try {
    for (let swap = 0; swap < 6; swap++) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      const meeting = swap % 2 === 0
        ? { reached: Promise.withResolvers<void>(), swapped: Promise.withResolvers<void>() }
        : null;
      if (meeting !== null) {
        midBatch.next = meeting;
        await meeting.reached.promise;
      }
      const next = await openTable(swap % 2 === 0 ? b.path : a.path, "mmap");
      opened.push(next);
      holder.swap(next);
      assert.equal(holder.version, next.version);
      meeting?.swapped.resolve();
    }
    await new Promise((resolve) => setTimeout(resolve, 30));
  } finally {
    running = false;
    await lookups;
    holder.close();
  }
  assert.equal(stats.failed, 0);
  assert.equal(stats.straddled, 3, "three batches ran across a swap on the old mapping");
  assert.ok(stats.lookups > 20_000, `${stats.lookups} lookups`);
  assert.ok((stats.byVersion.get(a.version) ?? 0) > 0 && (stats.byVersion.get(b.version) ?? 0) > 0);
  assert.ok(opened.every((table) => table.closed), "every mapping is released at the end");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("closes the old table only after its last lease is released", async () => {
  const dir = await Deno.makeTempDir({ prefix: "geoip_swap_" });
  try {
    const [a, b] = await buildVersions(dir);
    const old = await openTable(a.path, "mmap");
    const holder = new TableHolder(old);
    const first = holder.acquire()!;
    const second = holder.acquire()!;
    const next = await openTable(b.path, "mmap");
    holder.swap(next);
    assert.equal(holder.version, b.version);
    assert.equal(holder.lookup("1.2.3.4").version, b.version);
    assert.equal(first.table.version, a.version);
    first.release();
    first.release(); // idempotent: must not count twice
    assert.ok(!old.closed, "a lease is still out");
    assert.deepEqual(second.table.lookup("1.2.3.4"), expectedV4(a.data, 0x01020304));
    second.release();
    assert.ok(old.closed);
    holder.close();
    assert.ok(next.closed);
    assert.equal(holder.acquire(), null);
    assert.deepEqual(holder.lookup("1.2.3.4"), { version: null, result: null });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
