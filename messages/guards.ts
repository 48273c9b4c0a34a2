/**
 * Small guards the protocols share: checks of plain data received from another Worker. Shallow
 * on purpose (a chunk's thousands of cells are not walked): they catch a wrong message, and the
 * warehouse checks cell types where they are stored.
 */
import type { DeadLetter } from "./staging_columns.ts";

/** An object (not null). */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null;

/** An array of numbers. */
export const isNumberArray = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => typeof x === "number");

/** An empty object: a message with no fields. */
export const isEmpty = (v: unknown): v is Record<string, never> =>
  isRecord(v) && Object.keys(v).length === 0;

/** A dead letter: Kafka coordinates, a code, a reason and the raw bytes. */
export const isDeadLetter = (v: unknown): v is DeadLetter =>
  isRecord(v) && typeof v.topic === "string" && typeof v.partition === "number" &&
  typeof v.offset === "number" && typeof v.code === "string" && typeof v.reason === "string" &&
  v.raw instanceof Uint8Array;

/** A list of dead letters. */
export const isDeadLetters = (v: unknown): v is DeadLetter[] =>
  Array.isArray(v) && v.every(isDeadLetter);
