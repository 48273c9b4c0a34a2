/**
 * The contract every `Lake` passes with the export procedure over it (a folder over DuckDB, Cloud
 * Storage over BigQuery, staged locally or in the bucket): an export writes verified Parquet by
 * event date, records it and drops the generation; nothing staged exports nothing; publishing
 * replaces what an interrupted attempt left; a crash after any step, then a rerun, leaves
 * every row in the lake exactly once and no file behind; and each export replaces the user_agent
 * and products snapshots beside Bronze.
 */
import assert from "node:assert/strict";
import type { Warehouse } from "../writer/warehouse.ts";
import { syntheticBatch } from "../writer/testing.ts";
import { type ExportStep, runExport } from "./export_run.ts";
import type { Lake } from "./lake.ts";

/** A fresh lake over a fresh warehouse, and what the contract reads back. */
export interface LakeSubject {
  readonly warehouse: Warehouse;
  readonly lake: Lake;
  /** Where the manifest says the files are (`location` of its entries). */
  readonly location: string;
  /** `partition:offset` of every row in the lake's published Parquet files, sorted. */
  lakeKeys(): Promise<string[]>;
  /** Every file (object) the lake holds, by its path relative to the lake root, staging included. */
  files(): Promise<string[]>;
  /** Puts a file where a published file of `generation` goes (an earlier attempt's leftover). */
  leave(relative: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** Published names: `bronze/summary/dt=YYYY-MM-DD/part-g<N>-<i>.parquet` under the lake root. */
const PUBLISHED = /^bronze\/summary\/dt=\d{4}-\d{2}-\d{2}\/part-g(\d+)-\d+\.parquet$/;
/** The dimension snapshots each export replaces. */
const SNAPSHOTS = ["bronze/products/part-0.parquet", "bronze/user_agent/part-0.parquet"];
/** The lake's files other than the snapshots. */
const bronze = (files: string[]) => files.filter((f) => !SNAPSHOTS.includes(f));
const STEPS: ExportStep[] = ["sealed", "staged", "verified", "published", "recorded", "dropped"];

const keys = (from: number, to: number, partition = 0) =>
  Array.from({ length: to - from }, (_, i) => `${partition}:${from + i}`);

/**
 * Registers the contract's tests for one lake. `crashSteps` narrows the crash-at-every-step tests
 * to the steps where this lake differs from another one run in full (the rest are the warehouse's).
 */
export function lakeContract(
  name: string,
  create: () => Promise<LakeSubject>,
  crashSteps: readonly ExportStep[] = STEPS,
): void {
  const test = (title: string, body: (s: LakeSubject) => Promise<void>) =>
    Deno.test(`${name}: ${title}`, async () => {
      const subject = await create();
      try {
        await body(subject);
      } finally {
        await subject.cleanup();
      }
    });
  const write = (s: LakeSubject, from: number, count: number, partition = 0) =>
    s.warehouse.writeBatch({
      rows: syntheticBatch({ fromOffset: from, count, partition }),
      deadLetters: [],
    });

  test("an export writes verified Parquet by event date, records it, and drops the generation", async (s) => {
    await write(s, 0, 700);
    const summary = await runExport({ warehouse: s.warehouse, lake: s.lake });
    assert.equal(summary.rows, 700);
    assert.equal(summary.generations.length, 1);
    assert.deepEqual(await s.lakeKeys(), keys(0, 700));
    const [entry] = await s.warehouse.exportManifest();
    assert.equal(entry?.rowCount, 700);
    assert.equal(entry?.location, s.location);
    assert.equal(entry?.files.length, summary.files);
    assert.match(entry?.checksum ?? "", /^[0-9a-f]{64}$/);
    for (const f of entry?.files ?? []) {
      assert.match(f, /^dt=\d{4}-\d{2}-\d{2}\/part-g1-\d+\.parquet$/);
    }
    const files = await s.files();
    assert.deepEqual(files.filter((f) => SNAPSHOTS.includes(f)).sort(), SNAPSHOTS);
    assert.ok(
      bronze(files).length > 0 && bronze(files).every((f) => PUBLISHED.test(f)),
      files.join("\n"),
    );
    assert.deepEqual(await s.warehouse.sealedGenerations(), []);
    assert.equal(await s.warehouse.currentGeneration(), 2);
    await write(s, 700, 50);
    assert.equal(
      await s.warehouse.stagingCount(2),
      50,
      "rows after the seal go to the next generation",
    );
  });

  test("an export with nothing staged seals nothing and writes nothing", async (s) => {
    const summary = await runExport({ warehouse: s.warehouse, lake: s.lake });
    assert.equal(summary.rows, 0);
    assert.equal(await s.warehouse.currentGeneration(), 1);
    assert.deepEqual(await s.files(), []);
  });

  test("publishing replaces the files an interrupted attempt left for the same generation", async (s) => {
    const stale = "bronze/summary/dt=2001-01-01/part-g1-7.parquet";
    await s.leave(stale);
    await write(s, 0, 100);
    await runExport({ warehouse: s.warehouse, lake: s.lake });
    assert.ok(!(await s.files()).includes(stale));
    assert.deepEqual(await s.lakeKeys(), keys(0, 100));
  });

  for (const step of crashSteps) {
    test(`a crash after the "${step}" step, then a rerun: every row exactly once, no orphan files`, async (s) => {
      await write(s, 0, 400, 0);
      await write(s, 0, 250, 1);
      await assert.rejects(
        runExport({
          warehouse: s.warehouse,
          lake: s.lake,
          crashAfter: (at) => {
            if (at === step) throw new Error(`injected crash after ${at}`);
          },
        }),
        /injected crash/,
      );
      await write(s, 400, 100, 0); // Streaming goes on meanwhile: the next generation.
      await runExport({ warehouse: s.warehouse, lake: s.lake });
      assert.deepEqual(await s.lakeKeys(), [...keys(0, 500, 0), ...keys(0, 250, 1)]);
      assert.deepEqual(await s.warehouse.sealedGenerations(), []);
      assert.deepEqual((await s.warehouse.exportManifest()).map((e) => e.generation), [1, 2]);
      const files = bronze(await s.files());
      assert.ok(
        files.every((f) => PUBLISHED.test(f) && ["1", "2"].includes(PUBLISHED.exec(f)?.[1] ?? "")),
        files.join("\n"),
      );
    });
  }
}
