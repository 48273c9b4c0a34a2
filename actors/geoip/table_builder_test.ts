import assert from "node:assert/strict";
import { type BuildProblem, buildTable, TableBuildError } from "./table_builder.ts";
import { openTable } from "./open_table.ts";
import { FORMAT_VERSION } from "./table_format.ts";
import { sourceChecksum } from "./source_checksum.ts";

const row = (from: number, to: number, city: string) =>
  `"${from}","${to}","DE","Germany","Berlin","${city}","52.520008","13.404954"`;

async function withCsv(lines: string[], fn: (csv: string, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "geoip_builder_" });
  try {
    await Deno.writeTextFile(`${dir}/db5.csv`, lines.join("\n") + "\n");
    await fn(`${dir}/db5.csv`, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const LINES = [
  row(0, 99, "A"),
  row(100, 199, "B"),
  '"200","299","DE","Germany"',
  row(300, 399, "C"),
  '"400","499","DE","Germany","Berlin","D","52.5","13.4',
  row(500, 599, "E"),
];

Deno.test("fails on the first malformed line and names its line number", async () => {
  await withCsv(LINES, async (csv, dir) => {
    const seen: BuildProblem[] = [];
    const error = await buildTable({
      ipv4Csv: csv,
      out: `${dir}/t.bin`,
      mode: "fail",
      onProblem: (p) => seen.push(p),
    }).then(() => null, (e: unknown) => e);
    assert.ok(error instanceof TableBuildError);
    assert.equal(error.problem.line, 3);
    assert.equal(error.problem.kind, "malformed");
    assert.match(error.message, /db5\.csv:3: malformed: expected 8 fields, found 4/);
    assert.deepEqual(seen, [error.problem]);
    await assert.rejects(Deno.stat(`${dir}/t.bin`), Deno.errors.NotFound);
  });
});

Deno.test("reports every malformed line and leaves it out in skip mode", async () => {
  await withCsv(LINES, async (csv, dir) => {
    const seen: BuildProblem[] = [];
    const summary = await buildTable({
      ipv4Csv: csv,
      out: `${dir}/t.bin`,
      mode: "skip",
      onProblem: (p) => seen.push(p),
    });
    assert.deepEqual(seen.map((p) => [p.line, p.kind]), [[3, "malformed"], [5, "malformed"]]);
    assert.equal(summary.skipped, 2);
    assert.equal(summary.v4Ranges, 4);
    const table = await openTable(`${dir}/t.bin`);
    try {
      const inC = table.lookup("0.0.1.94"); // 350, in C
      assert.ok(inC !== null && inC !== "invalid" && inC.city === "C");
      assert.equal(table.lookup("0.0.0.250"), null); // line 3 was skipped: a gap
    } finally {
      table.close();
    }
  });
});

Deno.test("reports unsorted and overlapping ranges with their line numbers", async () => {
  const lines = [row(0, 99, "A"), row(100, 199, "B"), row(150, 249, "C"), row(50, 60, "D")];
  await withCsv(lines, async (csv, dir) => {
    const seen: BuildProblem[] = [];
    await buildTable({
      ipv4Csv: csv,
      out: `${dir}/t.bin`,
      mode: "skip",
      onProblem: (p) => seen.push(p),
    });
    assert.deepEqual(seen.map((p) => [p.line, p.kind]), [[3, "overlap"], [4, "unsorted"]]);
    assert.match(seen[0]!.message, /range 150-249 overlaps range 100-199 of line 2/);
    assert.match(seen[1]!.message, /ip_from 50 is below ip_from 100 of line 2/);
    await assert.rejects(
      buildTable({ ipv4Csv: csv, out: `${dir}/u.bin`, mode: "fail" }),
      (e: unknown) => e instanceof TableBuildError && e.problem.kind === "overlap",
    );
  });
});

Deno.test("records format version, source checksum and build time in the header", async () => {
  await withCsv([row(0, 99, "A"), row(100, 199, "B")], async (csv, dir) => {
    const before = Date.now();
    const summary = await buildTable({ ipv4Csv: csv, out: `${dir}/t.bin`, mode: "fail" });
    const table = await openTable(`${dir}/t.bin`);
    try {
      assert.equal(table.header.formatVersion, FORMAT_VERSION);
      assert.equal(table.header.sourceChecksum, await sourceChecksum([{ path: csv, family: 4 }]));
      assert.equal(table.version, summary.version);
      assert.ok(table.header.buildTimeMs >= before && table.header.buildTimeMs <= Date.now());
      assert.equal(table.header.fileBytes, (await Deno.stat(`${dir}/t.bin`)).size);
    } finally {
      table.close();
    }
  });
});

Deno.test("records the source label in the header and puts it before the version on rows", async () => {
  await withCsv([row(0, 99, "A")], async (csv, dir) => {
    const label = "DB-IP Lite country 2026-06 CC BY 4.0";
    const summary = await buildTable({
      ipv4Csv: csv,
      out: `${dir}/t.bin`,
      mode: "fail",
      sourceLabel: label,
    });
    const table = await openTable(`${dir}/t.bin`);
    try {
      assert.equal(table.header.sourceLabel, label);
      assert.equal(table.version, `${label} ${summary.version}`);
    } finally {
      table.close();
    }
    await assert.rejects(
      buildTable({ ipv4Csv: csv, out: `${dir}/u.bin`, mode: "fail", sourceLabel: "x".repeat(45) }),
      /source label "x+" must be printable ASCII of at most 44 bytes/,
    );
  });
});

Deno.test("deduplicates strings and locations shared by many ranges", async () => {
  const lines = Array.from({ length: 1000 }, (_, i) => row(i * 10, i * 10 + 9, `City ${i % 3}`));
  await withCsv(lines, async (csv, dir) => {
    const summary = await buildTable({ ipv4Csv: csv, out: `${dir}/t.bin`, mode: "fail" });
    assert.equal(summary.v4Ranges, 1000);
    assert.equal(summary.locations, 3);
    assert.equal(summary.strings, 6); // DE, Germany, Berlin, City 0..2
  });
});
