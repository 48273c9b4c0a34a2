/**
 * The V8 heap flags the pipeline process runs with (`deno task start`, the compiled binary, and
 * `bench -- ingest`, which must measure what users run). Deno hands `--v8-flags` to every isolate,
 * so each actor Worker gets them too. Why each is set, from `bench -- ingest` (see
 * docs/OPERATIONS.md, Memory):
 *
 * - `--heap-growing-percent=50`: after each full collection the next one comes at 1.5× what
 *   survived (V8's own factor reaches 4× when collections are cheap); no hard cap, so a large
 *   batch still fits and nothing runs out of memory.
 *
 * Measured on a quiet machine over 1,000,000 events, back to back (2026-11-29, load ~1): with this
 * flag alone 48,800 events/s, peak RSS 1,295 MiB, 31.3 µs of CPU per event (V8 background 2.8).
 * Not kept: an 8 MB young generation (`--max-semi-space-size=8`; V8's default here is 32 MB, and it
 * rounds the size up to a power of two) and a 32 MB initial old generation: 1,038–1,071 MiB but
 * 41,000–42,300 events/s and 38.3–38.9 µs per event (V8 background 5.8: scavenges twice as often,
 * and more survivors promoted); a "12 MB" one, which V8 made 16, sat between (44,800 events/s,
 * 1,099 MiB). Throughput is the scarcer of the two targets. 16 MB again (2026-11-30, two pairs
 * over 1M, loaded machine): 932–936 against 1,031–1,082 MiB for 1.3–2.6 µs more V8 background per
 * event; an operator's option (`DENO_V8_FLAGS`, docs/OPERATIONS.md, Memory), not a default.
 * Also not kept (2026-11-30, 300,000 events on a loaded machine, where the peak follows the rate):
 * `--minor-ms` (1,117 MiB at 13,900 events/s, V8 background 6.6 µs per event against ~5),
 * `--heap-growing-percent=20` (1,071 MiB at 23,100 events/s: within the noise of 50),
 * `--regexp-interpret-all` (1,061 MiB; the enricher's heap unchanged, so not regexp code).
 */

/** The flags, as V8 names them. */
export const PIPELINE_V8_FLAGS: readonly string[] = [
  "--heap-growing-percent=50",
];

/** The `deno run` / `deno compile` argument that applies them. */
export function v8FlagsArgument(): string {
  return `--v8-flags=${PIPELINE_V8_FLAGS.join(",")}`;
}
