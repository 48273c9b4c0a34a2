/**
 * Test switch for warehouse implementations: a hook called at fixed points inside a batch
 * transaction that may throw to simulate a failure there. Production code passes none.
 */

/** Points inside a batch transaction where a failure can be injected. */
export type WriteStage = "staging-chunk-appended" | "staged" | "committing";

/**
 * Throws to simulate a warehouse failure at `stage` of attempt `attempt` (1-based). The BigQuery
 * warehouse also awaits a returned promise at `committing`, so a test can let another process
 * act between a batch's rows and its commit.
 */
export type FaultHook = (stage: WriteStage, attempt: number) => void | Promise<void>;

/** A switchable hook: fails at `stage` while `failures` remain (Infinity: always). */
export class FaultSwitch {
  stage: WriteStage | undefined = undefined;
  failures = 0;
  /** Failures injected so far. */
  injected = 0;

  /** Fails the next `failures` times `stage` is reached. */
  arm(stage: WriteStage, failures: number): void {
    this.stage = stage;
    this.failures = failures;
  }

  /** Stops failing. */
  disarm(): void {
    this.stage = undefined;
    this.failures = 0;
  }

  /** The hook to hand to a warehouse. */
  readonly hook = (stage: WriteStage): void => {
    if (stage !== this.stage || this.failures <= 0) return;
    this.failures--;
    this.injected++;
    throw new Error(`injected failure at ${stage}`);
  };
}
