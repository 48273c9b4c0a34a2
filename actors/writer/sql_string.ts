/**
 * DuckDB SQL text from values, written once: a string literal with its quotes doubled. For
 * paths and names that cannot be bound as parameters (COPY targets, `read_parquet` lists).
 */

/** `text` as a DuckDB string literal: `it's` becomes `'it''s'`. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
