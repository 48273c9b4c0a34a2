/**
 * What readers may see: a staged row, dead letter or dimension row is visible once a valid commit
 * row (same partition and watermark epoch; for staging, same generation) covers its Kafka offset,
 * and only its first copy per key. A commit is valid while its generation is open, and after the
 * generation was sealed only if the seal covers it: a commit that landed in a generation after
 * its seal (a writer that was paused or slow) never counts, so sealing and dropping can never
 * remove a row a writer was told is stored. Rows of failed attempts stay invisible.
 */

/** Quotes a dataset-qualified table name. */
export function tableRef(dataset: string, table: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(dataset) || !/^[A-Za-z0-9_]+$/.test(table)) {
    throw new RangeError(`Cannot refer to table ${dataset}.${table}: unexpected characters`);
  }
  return `\`${dataset}.${table}\``;
}

/** Rank of each generation's most advanced state: 1 open, 2 sealing, 3 sealed, 4 dropped. */
export function generationRanksSql(dataset: string): string {
  return `SELECT generation, MAX(CASE state WHEN 'open' THEN 1 WHEN 'sealing' THEN 2
      WHEN 'sealed' THEN 3 WHEN 'dropped' THEN 4 ELSE 0 END) AS state_rank
    FROM ${tableRef(dataset, "generation_events")} GROUP BY generation`;
}

/** The batches each sealed generation covers (from its `sealed` events). */
function coveredSql(dataset: string): string {
  return `SELECT DISTINCT e.generation, b AS batch_id
    FROM ${tableRef(dataset, "generation_events")} AS e, UNNEST(e.covered) AS b
    WHERE e.state = 'sealed'`;
}

/** Commit rows that count: of open generations, or covered by their generation's seal. */
export function validCommitsSql(dataset: string): string {
  return `SELECT c.generation, c.topic, c.kafka_partition, COALESCE(c.epoch, 0) AS epoch,
      c.from_offset, c.to_offset, c.batch_id, c.topic_id
    FROM ${tableRef(dataset, "write_commits")} AS c
    JOIN (${generationRanksSql(dataset)}) AS g ON g.generation = c.generation
    LEFT JOIN (${coveredSql(dataset)}) AS s
      ON s.generation = c.generation AND s.batch_id = c.batch_id
    WHERE g.state_rank = 1 OR s.batch_id IS NOT NULL`;
}

/**
 * Which commits of one generation to read: `valid` ones (the generation's current state decides,
 * for readers that do not know it), `all` of them (an open generation), or those listed in its
 * seal table (a sealing or sealed one: the cheapest exact form, which exports use).
 */
export type Coverage =
  | { readonly kind: "valid" }
  | { readonly kind: "all" }
  | { readonly kind: "seal"; readonly table: string };

function generationCommits(dataset: string, generation: number, coverage: Coverage): string {
  if (coverage.kind === "valid") {
    return `SELECT topic, kafka_partition, epoch, from_offset, to_offset
      FROM (${validCommitsSql(dataset)}) WHERE generation = ${generation}`;
  }
  if (coverage.kind === "all") {
    return `SELECT topic, kafka_partition, COALESCE(epoch, 0) AS epoch, from_offset, to_offset
      FROM ${tableRef(dataset, "write_commits")} WHERE generation = ${generation}`;
  }
  return `SELECT topic, kafka_partition, COALESCE(epoch, 0) AS epoch, from_offset, to_offset
    FROM ${tableRef(dataset, "write_commits")}
    WHERE generation = ${generation}
      AND batch_id IN (SELECT batch_id FROM ${tableRef(dataset, coverage.table)})`;
}

/** Committed, deduplicated rows of staging table `table`, for generation `generation`. */
export function committedStaging(
  dataset: string,
  table: string,
  generation: number,
  coverage: Coverage = { kind: "valid" },
): string {
  return `SELECT * EXCEPT (_copy) FROM (
    SELECT s.*, ROW_NUMBER() OVER (
      PARTITION BY s._topic, s._partition, COALESCE(s._offset_epoch, 0), s._offset
      ORDER BY s._ingested_at) AS _copy
    FROM ${tableRef(dataset, table)} AS s
    JOIN (SELECT DISTINCT * FROM (${generationCommits(dataset, generation, coverage)})) AS c
      ON c.topic = s._topic AND c.kafka_partition = s._partition
      AND c.epoch = COALESCE(s._offset_epoch, 0)
      AND s._offset BETWEEN c.from_offset AND c.to_offset)
  WHERE _copy = 1`;
}

/** Committed dead letters, one per coordinate. */
export function committedDeadLetters(dataset: string): string {
  return `SELECT * EXCEPT (_copy) FROM (
    SELECT d.*, ROW_NUMBER() OVER (
      PARTITION BY d.topic, d.kafka_partition, COALESCE(d.offset_epoch, 0), d.kafka_offset
      ORDER BY d.ingested_at) AS _copy
    FROM ${tableRef(dataset, "dead_letters")} AS d
    JOIN (SELECT DISTINCT topic, kafka_partition, epoch, from_offset, to_offset
          FROM (${validCommitsSql(dataset)})) AS c
      ON c.topic = d.topic AND c.kafka_partition = d.kafka_partition
      AND c.epoch = COALESCE(d.offset_epoch, 0)
      AND d.kafka_offset BETWEEN c.from_offset AND c.to_offset)
  WHERE _copy = 1`;
}

/**
 * Committed rows of a dimension (`user_agents` by `user_agent_id`, `product_catalog` by `product_id`),
 * the first seen per key; `where` filters the raw rows first (e.g. to a list of keys).
 */
export function committedDimension(
  dataset: string,
  table: "user_agents" | "product_catalog",
  where = "TRUE",
): string {
  const key = table === "user_agents" ? "user_agent_id" : "product_id";
  const first = table === "user_agents" ? "first_seen_at" : "first_seen";
  return `SELECT * EXCEPT (_copy) FROM (
    SELECT d.*, ROW_NUMBER() OVER (
      PARTITION BY d.${key} ORDER BY d.${first}, d._topic, d._partition, d._offset) AS _copy
    FROM ${tableRef(dataset, table)} AS d
    JOIN (SELECT DISTINCT topic, kafka_partition, from_offset, to_offset
          FROM (${validCommitsSql(dataset)})) AS c
      ON c.topic = d._topic AND c.kafka_partition = d._partition
      AND d._offset BETWEEN c.from_offset AND c.to_offset
    WHERE ${where})
  WHERE _copy = 1`;
}

/**
 * One snapshot of what a write needs: every partition's watermark in its current epoch (the
 * highest valid commit, or the epoch's start after a reset) with its topic id (`kind` =
 * 'watermark'), and every generation's state rank (`kind` = 'generation', the generation in
 * `kafka_partition`, the rank in `epoch`). One query, so both are read at the same instant.
 */
export function writeStateSql(dataset: string): string {
  const epochs = tableRef(dataset, "partition_epochs");
  return `WITH current_epochs AS (
      SELECT topic, kafka_partition, MAX(epoch) AS epoch FROM ${epochs} GROUP BY 1, 2)
    SELECT 'watermark' AS kind, topic, kafka_partition, epoch, MAX(max_offset) AS max_offset,
      MAX(topic_id) AS topic_id
    FROM (
      SELECT c.topic, c.kafka_partition, c.epoch, c.to_offset AS max_offset, c.topic_id
      FROM (${validCommitsSql(dataset)}) AS c
      LEFT JOIN current_epochs AS e
        ON e.topic = c.topic AND e.kafka_partition = c.kafka_partition
      WHERE c.epoch = COALESCE(e.epoch, 0)
      UNION ALL
      SELECT p.topic, p.kafka_partition, p.epoch, p.from_offset - 1 AS max_offset,
        CAST(NULL AS STRING) AS topic_id
      FROM ${epochs} AS p
      JOIN current_epochs AS e
        ON e.topic = p.topic AND e.kafka_partition = p.kafka_partition AND e.epoch = p.epoch)
    GROUP BY topic, kafka_partition, epoch
    UNION ALL
    SELECT 'generation' AS kind, '' AS topic, generation AS kafka_partition, state_rank AS epoch,
      0 AS max_offset, CAST(NULL AS STRING) AS topic_id
    FROM (${generationRanksSql(dataset)})`;
}
