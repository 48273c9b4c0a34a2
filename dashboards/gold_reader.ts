/**
 * Read-only queries over the Gold Parquet files of the lake (`<lake>/gold/<table>.parquet`),
 * through an in-memory DuckDB: the dashboards never open the models' DuckDB file (dbt holds it
 * while it builds) nor the pipeline's warehouse. Values come back as JSON-ready numbers/strings.
 */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { sqlString } from "../actors/writer/sql_string.ts";

/** One result row, JSON-ready. */
export type Row = Record<string, string | number | boolean | null>;

/** Gold is missing: the models have not run on this lake yet. */
export class GoldMissingError extends Error {
  override name = "GoldMissingError";
}

function plain(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") {
    return value;
  }
  if (typeof value === "bigint") return Number(value);
  return String(value);
}

/** Queries Gold tables; `gold('x')` in SQL text names table x's Parquet file. */
export class GoldReader {
  #connection: Promise<{ instance: DuckDBInstance; db: DuckDBConnection }> | undefined;

  constructor(readonly lake: string) {}

  /** The `read_parquet(...)` expression of Gold table `table`. */
  gold(table: string): string {
    if (!/^gold_[a-z_]+$/.test(table)) throw new RangeError(`Not a Gold table name: ${table}`);
    return `read_parquet(${sqlString(`${this.lake}/gold/${table}.parquet`)})`;
  }

  /** Whether every Gold table named exists. */
  async has(tables: readonly string[]): Promise<boolean> {
    for (const table of tables) {
      try {
        await Deno.stat(`${this.lake}/gold/${table}.parquet`);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return false;
        throw error;
      }
    }
    return true;
  }

  /** Runs `sql` and returns its rows. */
  async query(sql: string): Promise<Row[]> {
    this.#connection ??= (async () => {
      const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
      return { instance, db: await instance.connect() };
    })();
    const { db } = await this.#connection;
    const reader = await db.runAndReadAll(sql);
    const names = reader.columnNames();
    return reader.getRowsJS().map((cells) =>
      Object.fromEntries(names.map((name, i) => [name, plain(cells[i])]))
    );
  }

  /** Closes the in-memory database. */
  async close(): Promise<void> {
    const open = this.#connection;
    this.#connection = undefined;
    if (open === undefined) return;
    const { instance, db } = await open;
    db.closeSync();
    instance.closeSync();
  }
}
