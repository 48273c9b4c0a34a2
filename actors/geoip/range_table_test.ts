import assert from "node:assert/strict";
import { seededRandom } from "../../tools/produce/prng.ts";
import { buildTable } from "./table_builder.ts";
import { openTable } from "./open_table.ts";
import {
  type Db5Data,
  expectedV4,
  expectedV6,
  formatIpv4,
  formatIpv6,
  generateDb5,
  sampleV4,
  writeDb5Csv,
  writeDb5Ipv6Csv,
} from "./testing.ts";
import type { RangeTable } from "./range_table.ts";

const MAPPED = 0xffff00000000n;

function v6Samples(data: Db5Data): bigint[] {
  const out = [0n, 1n, (1n << 128n) - 1n];
  data.v6Starts.forEach((start, i) => {
    const end = data.v6Ends[i]!;
    out.push(start, end, end + 1n, start + (end - start) / 2n, start - 1n);
  });
  return out;
}

Deno.test("a table built from a generated 100,000-range DB5 source", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "geoip_table_" });
  const data = generateDb5({ ranges: 100_000, v6Ranges: 300, seed: 11 });
  await writeDb5Csv(data, `${dir}/v4.csv`);
  await writeDb5Ipv6Csv(data, `${dir}/v6.csv`);
  await buildTable({
    ipv4Csv: `${dir}/v4.csv`,
    ipv6Csv: `${dir}/v6.csv`,
    out: `${dir}/t.bin`,
    mode: "fail",
  });
  const table: RangeTable = await openTable(`${dir}/t.bin`);
  try {
    await t.step(
      "answers first, last, inner and gap addresses of sampled ranges like the reference",
      () => {
        for (const ip of sampleV4(data, 60_000)) {
          assert.deepEqual(table.lookup(formatIpv4(ip)), expectedV4(data, ip), formatIpv4(ip));
        }
      },
    );

    await t.step("answers 0.0.0.0 and 255.255.255.255 from the first and last range", () => {
      assert.deepEqual(table.lookup("0.0.0.0"), expectedV4(data, 0));
      assert.notEqual(expectedV4(data, 0), null);
      assert.deepEqual(table.lookup("255.255.255.255"), expectedV4(data, 0xffffffff));
    });

    await t.step("answers null in gaps and in ranges IP2Location marks '-'", () => {
      let gaps = 0;
      let unknown = 0;
      for (let i = 0; i + 1 < data.v4Starts.length; i++) {
        if (data.v4Ends[i]! + 1 < data.v4Starts[i + 1]!) {
          gaps++;
          assert.equal(table.lookup(formatIpv4(data.v4Ends[i]! + 1)), null);
        }
        if (data.v4Locs[i]! < 0) {
          unknown++;
          assert.equal(table.lookup(formatIpv4(data.v4Starts[i]!)), null);
        }
      }
      assert.ok(gaps > 1000 && unknown > 100, `${gaps} gaps, ${unknown} unknown ranges`);
    });

    await t.step("looks IPv4-mapped IPv6 addresses up in the IPv4 table", () => {
      for (const ip of sampleV4(data, 2000, 5)) {
        const expected = expectedV4(data, ip);
        assert.deepEqual(table.lookup(`::ffff:${formatIpv4(ip)}`), expected);
        assert.deepEqual(table.lookup(formatIpv6(MAPPED + BigInt(ip))), expected);
      }
    });

    await t.step("answers IPv6 addresses, ::, and the last address like the reference", () => {
      for (const ip of v6Samples(data)) {
        const expected = ip >= MAPPED && ip <= MAPPED + 0xffffffffn
          ? undefined
          : expectedV6(data, ip);
        if (expected !== undefined) assert.deepEqual(table.lookup(formatIpv6(ip)), expected);
      }
      assert.equal(table.lookup("::"), null);
      assert.equal(table.lookup("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), null);
    });

    await t.step("answers 'invalid' for text that is not an IP, without throwing", () => {
      const bad = ["", "localhost", "1.2.3", "1.2.3.256", "::ffff:1.2.3.256", "1:2", "  1.2.3.4"];
      for (const text of bad) assert.equal(table.lookup(text), "invalid", text);
      assert.equal(table.lookup(42 as unknown as string), "invalid");
    });

    await t.step("returns the same frozen result object for a location every time", () => {
      const ip = formatIpv4(data.v4Starts[1]!);
      const first = table.lookup(ip);
      assert.ok(first !== null && first !== "invalid" && Object.isFrozen(first));
      assert.equal(table.lookup(ip), first);
    });
  } finally {
    table.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an IPv6-only source fills the IPv4 table from its mapped rows", async () => {
  const dir = await Deno.makeTempDir({ prefix: "geoip_table_" });
  try {
    const data = generateDb5({ ranges: 5000, v6Ranges: 50, seed: 5 });
    await writeDb5Ipv6Csv(data, `${dir}/v6.csv`);
    const summary = await buildTable({
      ipv6Csv: `${dir}/v6.csv`,
      out: `${dir}/t.bin`,
      mode: "fail",
    });
    assert.equal(summary.mappedRowsSkipped, 0);
    const table = await openTable(`${dir}/t.bin`);
    try {
      const random = seededRandom(9);
      for (let k = 0; k < 5000; k++) {
        const ip = Math.floor(random() * 2 ** 32);
        assert.deepEqual(table.lookup(formatIpv4(ip)), expectedV4(data, ip));
      }
    } finally {
      table.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
