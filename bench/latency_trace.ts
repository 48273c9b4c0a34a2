/**
 * The latency phase's trace: readings of the running pipeline (events done, events committed over
 * 1 s, the writer's phase clock), and what they say about where the tail over 1 s comes from. The
 * events over 1 s are grouped into episodes (consecutive readings that each add some); each episode
 * is printed with what the writer's chain did over it, by phase, and the checkpoints inside it.
 */

/** One reading during the latency phase. */
export interface TraceMark {
  /** ms since the producer started. */
  readonly at: number;
  /** Events committed (staged or dead-lettered) so far. */
  readonly done: number;
  /** Events committed so far whose latency was over 1 s (the histogram's `+Inf` less `le=1`). */
  readonly over1s: number;
  /** Batches written so far. */
  readonly batches: number;
  /** The writer's wall-clock ms by phase of its chain, so far. */
  readonly phaseMs: Readonly<Record<string, number>>;
  /** The warehouse's WAL, bytes. */
  readonly walBytes: number;
}

/** A run of consecutive readings each adding events over 1 s, with the writer's time over it. */
export interface Episode {
  /** ms since the producer started: the reading before the first that added, and the last. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly over1s: number;
  readonly done: number;
  readonly batches: number;
  /** ms by phase over the episode (from the reading before its first to its last). */
  readonly phaseMs: Readonly<Record<string, number>>;
  /** Each checkpoint's ms (one rise of the `checkpoint` phase between two readings). */
  readonly checkpointsMs: readonly number[];
}

/** Splits the readings into episodes of events over 1 s (see the module doc). */
export function episodes(marks: readonly TraceMark[]): Episode[] {
  const found: Episode[] = [];
  let start: number | undefined;
  const close = (first: number, last: number) => {
    const a = marks[first - 1];
    const b = marks[last];
    if (a === undefined || b === undefined) return;
    const phases = new Set([...Object.keys(a.phaseMs), ...Object.keys(b.phaseMs)]);
    const phaseMs = Object.fromEntries(
      [...phases].map((k) => [k, (b.phaseMs[k] ?? 0) - (a.phaseMs[k] ?? 0)]),
    );
    const checkpointsMs: number[] = [];
    for (let i = first; i <= last; i++) {
      const rise = (marks[i]?.phaseMs.checkpoint ?? 0) - (marks[i - 1]?.phaseMs.checkpoint ?? 0);
      if (rise > 0) checkpointsMs.push(rise);
    }
    found.push({
      fromMs: a.at,
      toMs: b.at,
      over1s: b.over1s - a.over1s,
      done: b.done - a.done,
      batches: b.batches - a.batches,
      phaseMs,
      checkpointsMs,
    });
  };
  for (let i = 1; i < marks.length; i++) {
    const adds = (marks[i]?.over1s ?? 0) > (marks[i - 1]?.over1s ?? 0);
    if (adds && start === undefined) start = i;
    if (!adds && start !== undefined) {
      close(start, i - 1);
      start = undefined;
    }
  }
  if (start !== undefined) close(start, marks.length - 1);
  return found;
}

/** Each checkpoint over the readings: when (ms since the producer started) and its ms. */
export function checkpoints(marks: readonly TraceMark[]): { atMs: number; ms: number }[] {
  const found: { atMs: number; ms: number }[] = [];
  for (let i = 1; i < marks.length; i++) {
    const rise = (marks[i]?.phaseMs.checkpoint ?? 0) - (marks[i - 1]?.phaseMs.checkpoint ?? 0);
    if (rise > 0) found.push({ atMs: marks[i]?.at ?? 0, ms: rise });
  }
  return found;
}

/** Each time the WAL shrank: when, and its size at the reading before (bytes). */
export function walShrinks(marks: readonly TraceMark[]): { atMs: number; bytes: number }[] {
  const found: { atMs: number; bytes: number }[] = [];
  for (let i = 1; i < marks.length; i++) {
    const before = marks[i - 1]?.walBytes ?? 0;
    if ((marks[i]?.walBytes ?? 0) < before) found.push({ atMs: marks[i]?.at ?? 0, bytes: before });
  }
  return found;
}

/** Prints the checkpoints and the episodes of events over 1 s, for the latency phase. */
export function printLatencyTrace(marks: readonly TraceMark[]): void {
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const last = marks[marks.length - 1];
  const total = last?.over1s ?? 0;
  console.log(
    `latency trace: checkpoints (s since the producer started: ms): ${
      checkpoints(marks).map((c) => `${s(c.atMs)}: ${c.ms.toFixed(0)}`).join(", ") || "none"
    }`,
  );
  console.log(
    `latency trace: the WAL shrank at (s: MiB before): ${
      walShrinks(marks).map((w) => `${s(w.atMs)}: ${(w.bytes / 1048576).toFixed(0)}`).join(", ") ||
      "never"
    }`,
  );
  const found = episodes(marks);
  console.log(
    `latency trace: ${total} events over 1 s in ${found.length} episodes (readings each adding some)`,
  );
  for (const e of found) {
    const phases = Object.entries(e.phaseMs).filter(([, ms]) => ms >= 1)
      .map(([k, ms]) => `${k} ${ms.toFixed(0)}`).join(", ");
    console.log(
      `  ${s(e.fromMs)}–${s(e.toMs)} s: ${e.over1s} over 1 s (${
        (100 * e.over1s / Math.max(1, total)).toFixed(0)
      }%), ${e.done} events in ${e.batches} batches; checkpoints ${
        e.checkpointsMs.map((ms) => ms.toFixed(0)).join(" ") || "none"
      }; writer ms by phase: ${phases}`,
    );
  }
}
