/**
 * The pipeline's readiness as named, per-stage conditions: each actor of the supervision tree is
 * a stage that is fine while it runs; stages add problems of their own (the writer stalled on the
 * warehouse, a partition halted). `/ready`, `/health`, the metrics and the stall watchdog all read
 * this one model. A problem is `retrying` (the stage repairs itself; a restart may help) or
 * `halted` (an operator must act). Some problems are derived when asked (no progress: see
 * progress.ts). Until the tree runs, the verdict is "starting: <stage>: <reason>".
 */
import { actorsOf, type SupervisorSnapshot } from "../actors/runtime/snapshot.ts";

/** Whether a problem goes away by itself (`retrying`) or needs an operator (`halted`). */
export type ProblemKind = "retrying" | "halted";

/** One stage's condition. */
export interface StageCondition {
  readonly stage: string;
  readonly ok: boolean;
  /** Why not, for a human (null when ok). */
  readonly reason: string | null;
  /** Since when it is not ok, epoch ms (null when ok). */
  readonly sinceMs: number | null;
  /** How it gets better (null when ok). */
  readonly kind: ProblemKind | null;
}

/** A problem a stage reported. */
interface Problem {
  readonly stage: string;
  readonly reason: string;
  readonly sinceMs: number;
  readonly kind: ProblemKind;
}

/** What `/ready` answers. */
export interface ReadyVerdict {
  readonly ready: boolean;
  /** The first stage's problem, or all of them joined (absent when ready). */
  readonly reason?: string;
  readonly conditions: readonly StageCondition[];
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** A problem a derived condition finds when asked (undefined: none). */
export type Probe = (
  tree: SupervisorSnapshot,
  now: number,
) => { readonly stage: string; readonly reason: string; readonly sinceMs: number } | undefined;

/** Problems by key, and when each actor was first seen not running. */
export class Readiness {
  readonly #problems = new Map<string, Problem>();
  readonly #downSince = new Map<string, number>();
  readonly #probes = new Map<string, { probe: Probe; kind: ProblemKind }>();

  /** Records (or updates) a problem under `key`; keeps the first `sinceMs` of an ongoing one. */
  set(key: string, stage: string, reason: string, kind: ProblemKind, sinceMs = Date.now()): void {
    const known = this.#problems.get(key);
    this.#problems.set(key, { stage, reason, kind, sinceMs: known?.sinceMs ?? sinceMs });
  }

  /** Removes a problem. */
  clear(key: string): void {
    this.#problems.delete(key);
  }

  /** Whether a problem is recorded under `key`. */
  has(key: string): boolean {
    return this.#problems.has(key);
  }

  /** Adds a condition `probe` derives whenever conditions are asked for, under `key`. */
  derive(key: string, kind: ProblemKind, probe: Probe): void {
    this.#probes.set(key, { probe, kind });
  }

  /** Every stage's condition, the actors of `tree` first, in start order. */
  conditions(tree: SupervisorSnapshot, now = Date.now()): StageCondition[] {
    for (const [key, { probe, kind }] of this.#probes) {
      const found = probe(tree, now);
      if (found === undefined) this.clear(key);
      else this.set(key, found.stage, found.reason, kind, found.sinceMs);
    }
    const out: StageCondition[] = [];
    const stages = new Set<string>();
    for (const actor of actorsOf(tree, { permanentOnly: true })) {
      stages.add(actor.name);
      const reasons: string[] = [];
      let since: number | undefined;
      let kind: ProblemKind | null = null;
      // An idle on-demand actor (no Worker until its next request) is not down.
      if (actor.state !== "running" && actor.state !== "idle") {
        since = this.#downSince.get(actor.name) ?? now;
        this.#downSince.set(actor.name, since);
        const error = actor.lastError === null ? "" : `; last error: ${actor.lastError}`;
        const own = [...this.#problems.values()].some((p) => p.stage === actor.name);
        // A stage that is starting says what it waits for, when it reports that itself.
        if (actor.state !== "starting" || !own) {
          reasons.push(
            `${actor.state} for ${seconds(now - since)} (${actor.running}/${actor.members} ` +
              `Workers running, ${actor.restarts} restarts${error})`,
          );
        }
        kind = actor.state === "failed" ? "halted" : "retrying";
      } else this.#downSince.delete(actor.name);
      for (const p of this.#problems.values()) {
        if (p.stage !== actor.name) continue;
        reasons.push(`${p.reason} (for ${seconds(now - p.sinceMs)})`);
        since = Math.min(since ?? p.sinceMs, p.sinceMs);
        if (kind !== "halted") kind = p.kind;
      }
      out.push(
        reasons.length === 0
          ? { stage: actor.name, ok: true, reason: null, sinceMs: null, kind: null }
          : {
            stage: actor.name,
            ok: false,
            reason: reasons.join("; "),
            sinceMs: since ?? now,
            kind,
          },
      );
    }
    for (const p of this.#problems.values()) {
      if (stages.has(p.stage)) continue;
      stages.add(p.stage);
      const own = [...this.#problems.values()].filter((q) => q.stage === p.stage);
      out.push({
        stage: p.stage,
        ok: false,
        reason: own.map((q) => `${q.reason} (for ${seconds(now - q.sinceMs)})`).join("; "),
        sinceMs: Math.min(...own.map((q) => q.sinceMs)),
        kind: own.some((q) => q.kind === "halted") ? "halted" : "retrying",
      });
    }
    return out;
  }

  /**
   * Ready when the tree runs and every stage is fine; otherwise the reasons, stage by stage.
   * While the tree starts: "starting: " and the stage being started (with its problems, such as
   * a warehouse the writer cannot open), never the stages not started yet.
   */
  verdict(tree: SupervisorSnapshot, now = Date.now()): ReadyVerdict {
    const conditions = this.conditions(tree, now);
    if (tree.state === "starting" || tree.state === "stopped") {
      const started = new Set(
        actorsOf(tree).filter((a) => a.state !== "stopped").map((a) => a.name),
      );
      const stages = conditions.filter((c) => !c.ok && started.has(c.stage))
        .map((c) => `${c.stage}: ${c.reason}`);
      const what = stages.length > 0 ? stages.join("; ") : `${tree.name}: not started`;
      return { ready: false, reason: `starting: ${what}`, conditions };
    }
    const bad = conditions.filter((c) => !c.ok);
    if (bad.length === 0) return { ready: true, conditions };
    return {
      ready: false,
      reason: bad.map((c) => `${c.stage}: ${c.reason}`).join("; "),
      conditions,
    };
  }

  /**
   * Since when some stage has been stuck on a problem a restart may cure (the earliest), or
   * undefined when none is: what `STALL_EXIT_AFTER_MS` measures. Halted partitions do not count:
   * restarting cannot fix them.
   */
  stuckSince(
    tree: SupervisorSnapshot,
    now = Date.now(),
  ): { since: number; stage: string; reason: string } | undefined {
    const candidates: { since: number; stage: string; reason: string }[] = [];
    const restarting = new Set(
      actorsOf(tree, { permanentOnly: true }).filter((a) => a.state === "restarting").map((a) =>
        a.name
      ),
    );
    for (const c of this.conditions(tree, now)) {
      // A crash loop counts; starting up does not (a stall while starting reports itself).
      const down = this.#downSince.get(c.stage);
      if (down !== undefined && c.reason !== null && restarting.has(c.stage)) {
        candidates.push({ since: down, stage: c.stage, reason: c.reason });
      }
    }
    for (const p of this.#problems.values()) {
      if (p.kind === "retrying") {
        candidates.push({ since: p.sinceMs, stage: p.stage, reason: p.reason });
      }
    }
    return candidates.sort((a, b) => a.since - b.since)[0];
  }
}
