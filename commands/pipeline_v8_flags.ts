/**
 * The V8 heap flags the pipeline process runs with (`deno task start`, the compiled binary, and
 * `bench -- ingest`, which must measure what users run). Deno hands `--v8-flags` to every isolate,
 * so each actor Worker gets them too. Why each is set, from `bench -- ingest` (see
 * docs/OPERATIONS.md, Memory):
 *
 * - `--max-semi-space-size=8`: each busy isolate (host, consumer, enricher, batcher, writer) grew
 *   its young generation to V8's 2 × 16 MB; the data path's garbage dies young either way.
 * - `--initial-old-space-size=32`: an isolate's old generation otherwise grows to V8's initial
 *   limit before its first full collection, whatever it holds alive.
 * - `--heap-growing-percent=50`: after each full collection the next one comes at 1.5× what
 *   survived (V8's own factor reaches 4× when collections are cheap); no hard cap, so a large
 *   batch still fits and nothing runs out of memory.
 *
 * Together, over 300,000 events (load 6-8, back to back): peak RSS 1,205 -> 960 MiB for 35.2 ->
 * 39.5 µs of CPU per event (V8's background GC 3.7 -> 6.4), events/s unchanged (20.7k, 21.9k).
 * A 4 MB semi-space saved 20 MiB more for 2.7 µs more per event. Over 1,000,000 events, a 4 MB
 * semi-space cap alone saved 140 MiB, the other two flags alone 130 MiB.
 */

/** The flags, as V8 names them. */
export const PIPELINE_V8_FLAGS: readonly string[] = [
  "--max-semi-space-size=8",
  "--initial-old-space-size=32",
  "--heap-growing-percent=50",
];

/** The `deno run` / `deno compile` argument that applies them. */
export function v8FlagsArgument(): string {
  return `--v8-flags=${PIPELINE_V8_FLAGS.join(",")}`;
}
