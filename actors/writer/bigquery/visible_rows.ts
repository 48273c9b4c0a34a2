/**
 * What readers may see: a staged row, dead letter or dimension row is visible once a commit row
 * (same partition; for staging, same generation) covers its Kafka offset, and only its first copy
 * per key. Rows of failed attempts stay invisible, and replays that landed twice count once.
 */

/** Quotes a dataset-qualified table name. */
export function tableRef(dataset: string, table: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(dataset) || !/^[A-Za-z0-9_]+$/.test(table)) {
    throw new RangeError(`Cannot refer to table ${dataset}.${table}: unexpected characters`);
  }
  return `\`${dataset}.${table}\``;
}

/** Committed, deduplicated rows of staging table `table`, for generation `generation`. */
export function committedStaging(dataset: string, table: string, generation: number): string {
  return `SELECT * EXCEPT (_copy) FROM (
    SELECT s.*, ROW_NUMBER() OVER (
      PARTITION BY s._topic, s._partition, s._offset ORDER BY s._ingested_at) AS _copy
    FROM ${tableRef(dataset, table)} AS s
    JOIN (SELECT DISTINCT topic, kafka_partition, from_offset, to_offset
          FROM ${tableRef(dataset, "write_commits")} WHERE generation = ${generation}) AS c
      ON c.topic = s._topic AND c.kafka_partition = s._partition
      AND s._offset BETWEEN c.from_offset AND c.to_offset)
  WHERE _copy = 1`;
}

/** Committed dead letters, one per coordinate. */
export function committedDeadLetters(dataset: string): string {
  return `SELECT * EXCEPT (_copy) FROM (
    SELECT d.*, ROW_NUMBER() OVER (
      PARTITION BY d.topic, d.kafka_partition, d.kafka_offset ORDER BY d.ingested_at) AS _copy
    FROM ${tableRef(dataset, "dead_letters")} AS d
    JOIN (SELECT DISTINCT topic, kafka_partition, from_offset, to_offset
          FROM ${tableRef(dataset, "write_commits")}) AS c
      ON c.topic = d.topic AND c.kafka_partition = d.kafka_partition
      AND d.kafka_offset BETWEEN c.from_offset AND c.to_offset)
  WHERE _copy = 1`;
}

/**
 * Committed rows of a dimension (`user_agents` by `user_agent_id`, `products` by `product_id`),
 * the first seen per key; `where` filters the raw rows first (e.g. to a list of keys).
 */
export function committedDimension(
  dataset: string,
  table: "user_agents" | "products",
  where = "TRUE",
): string {
  const key = table === "user_agents" ? "user_agent_id" : "product_id";
  const first = table === "user_agents" ? "first_seen_at" : "first_seen";
  return `SELECT * EXCEPT (_copy) FROM (
    SELECT d.*, ROW_NUMBER() OVER (
      PARTITION BY d.${key} ORDER BY d.${first}, d._topic, d._partition, d._offset) AS _copy
    FROM ${tableRef(dataset, table)} AS d
    JOIN (SELECT DISTINCT topic, kafka_partition, from_offset, to_offset
          FROM ${tableRef(dataset, "write_commits")}) AS c
      ON c.topic = d._topic AND c.kafka_partition = d._partition
      AND d._offset BETWEEN c.from_offset AND c.to_offset
    WHERE ${where})
  WHERE _copy = 1`;
}

/** Every partition's watermark: the highest committed offset (append-only rows, max wins). */
export function watermarksSql(dataset: string): string {
  return `SELECT topic, kafka_partition, MAX(to_offset) AS max_offset
    FROM ${tableRef(dataset, "write_commits")} GROUP BY topic, kafka_partition
    ORDER BY topic, kafka_partition`;
}
