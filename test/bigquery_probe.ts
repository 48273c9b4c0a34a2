/**
 * Test helper: what a BigQuery dataset holds for one topic, as readers see it (rows of every live
 * staging generation and dead letters that a valid commit covers, one per coordinate), in the
 * shape `exactlyOnceProblems` checks, and what a Cloud Storage lake holds. The valid commits come from the warehouse's own definition;
 * the join with the rows is done here, because the emulator takes minutes for it on 50,000 rows.
 */
import { BigQuery } from "@google-cloud/bigquery";
import type { Storage } from "@google-cloud/storage";
import { DuckDBInstance } from "@duckdb/node-api";
import { PassThroughClient } from "google-auth-library";
import { generationRanksSql, validCommitsSql } from "../actors/writer/bigquery/visible_rows.ts";
import type { WarehouseContents } from "./warehouse_probe.ts";

/** A client for an emulator endpoint. */
export function emulatorClient(endpoint: string, projectId: string): BigQuery {
  return new BigQuery({ projectId, apiEndpoint: endpoint, authClient: new PassThroughClient() });
}

interface Commit {
  readonly generation: number;
  readonly partition: number;
  readonly epoch: number;
  readonly from: number;
  readonly to: number;
}

async function rowsOf(client: BigQuery, sql: string): Promise<Record<string, unknown>[]> {
  const [rows] = await client.query({ query: sql });
  return rows as Record<string, unknown>[];
}

/** Per partition, the offsets of `rows` (p, e, o) that a commit covers, each once. */
function visible(
  rows: Record<string, unknown>[],
  commits: readonly Commit[],
  generation: number | undefined,
): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const seen = new Set<string>();
  for (const row of rows) {
    const [p, e, o] = [Number(row.p), Number(row.e), Number(row.o)];
    const covered = commits.some((c) =>
      (generation === undefined || c.generation === generation) && c.partition === p &&
      c.epoch === e && o >= c.from && o <= c.to
    );
    const key = `${p}:${e}:${o}`;
    if (!covered || seen.has(key)) continue;
    seen.add(key);
    out.set(p, [...out.get(p) ?? [], o]);
  }
  return out;
}

/** Generations by state rank (1 open, 2 sealing, 3 sealed, 4 dropped). */
export async function generationRanks(
  client: BigQuery,
  dataset: string,
): Promise<Map<number, number>> {
  const [rows] = await client.query({ query: generationRanksSql(dataset) });
  return new Map(
    (rows as { generation: number; state_rank: number }[]).map((
      r,
    ) => [Number(r.generation), Number(r.state_rank)]),
  );
}

/** Staged offsets (over every generation not dropped) and dead-letter offsets of `topic`. */
export async function readBigQuery(
  client: BigQuery,
  dataset: string,
  topic: string,
): Promise<WarehouseContents> {
  const commits: Commit[] = (await rowsOf(
    client,
    `SELECT generation, kafka_partition, epoch, from_offset, to_offset
     FROM (${validCommitsSql(dataset)}) WHERE topic = '${topic}'`,
  )).map((r) => ({
    generation: Number(r.generation),
    partition: Number(r.kafka_partition),
    epoch: Number(r.epoch),
    from: Number(r.from_offset),
    to: Number(r.to_offset),
  }));
  const live = [...await generationRanks(client, dataset)].filter(([, rank]) => rank < 4);
  const staged = new Map<number, number[]>();
  for (const [generation] of live) {
    const rows = await rowsOf(
      client,
      `SELECT _partition AS p, COALESCE(_offset_epoch, 0) AS e, _offset AS o
       FROM \`${dataset}.staging_g${generation}\` WHERE _topic = '${topic}'`,
    );
    for (const [p, list] of visible(rows, commits, generation)) {
      staged.set(p, [...staged.get(p) ?? [], ...list]);
    }
  }
  const dead = visible(
    await rowsOf(
      client,
      `SELECT kafka_partition AS p, COALESCE(offset_epoch, 0) AS e, kafka_offset AS o
       FROM \`${dataset}.dead_letters\` WHERE topic = '${topic}'`,
    ),
    commits,
    undefined,
  );
  return {
    staged,
    exported: new Map(),
    orphans: [],
    dead,
    deadByCode: {},
    rowsWithProblems: 0,
    rowsWithIpProblems: 0,
    userAgents: 0,
    products: 0,
  };
}

/** Offsets per partition of `topic` in the Parquet objects under `gs://bucket/prefix/`. */
export async function readGcsLake(
  storage: Storage,
  bucket: string,
  prefix: string,
  topic: string,
): Promise<Map<number, number[]>> {
  const dir = await Deno.makeTempDir({ prefix: "gcs-lake-" });
  try {
    const [files] = await storage.bucket(bucket).getFiles({ prefix });
    const paths: string[] = [];
    for (const [i, file] of files.filter((f) => f.name.endsWith(".parquet")).entries()) {
      const path = `${dir}/${i}.parquet`;
      await file.download({ destination: path });
      paths.push(path);
    }
    const out = new Map<number, number[]>();
    if (paths.length === 0) return out;
    const instance = await DuckDBInstance.create(":memory:");
    const db = await instance.connect();
    try {
      const rows = (await db.runAndReadAll(
        `SELECT _partition, _offset FROM read_parquet([${
          paths.map((p) => `'${p}'`).join(", ")
        }]) WHERE _topic = '${topic}'`,
      )).getRowsJS();
      for (const [p, o] of rows) out.set(Number(p), [...out.get(Number(p)) ?? [], Number(o)]);
      return out;
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
