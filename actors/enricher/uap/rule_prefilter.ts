/**
 * Picks, for one UA, the rules whose regex can match: one literal search, then only the rules
 * triggered by a literal found (their most selective condition) are checked further. Rules are
 * numbered across all sections; the answer is in ascending order, so "first rule wins" holds.
 */

import type { LiteralIndex } from "./literal_index.ts";

/**
 * What must occur in a UA for a rule's regex to match: every condition holds, a condition being
 * "one of these literals" (ids in the rules' `LiteralIndex`), most selective first. No
 * conditions: always try the rule. `ignoreCase`: the rule matches case-insensitively, so
 * lower-casing the UA mirrors its case folding only when the UA is ASCII.
 */
export interface Need {
  readonly conditions: readonly (readonly number[])[];
  readonly ignoreCase: boolean;
}

// deno-lint-ignore no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

/** The rule selection of a rule set. */
export class RulePrefilter {
  readonly #needs: readonly Need[];
  readonly #literals: LiteralIndex;
  /** By literal id: the rules whose first condition names it. */
  readonly #triggers: number[][];
  readonly #alwaysTried: readonly number[];
  readonly #caseless: readonly number[];
  readonly #marks: Uint32Array;
  readonly #chosen: Int32Array;
  #stamp = 0;

  /** A prefilter over rules `needs` (by rule number); `literals` must be built. */
  constructor(needs: readonly Need[], literals: LiteralIndex) {
    this.#needs = needs;
    this.#literals = literals;
    this.#triggers = [];
    const always: number[] = [];
    const caseless: number[] = [];
    needs.forEach((need, rule) => {
      if (need.ignoreCase) caseless.push(rule);
      const first = need.conditions[0];
      if (first === undefined) always.push(rule);
      else for (const id of first) (this.#triggers[id] ??= []).push(rule);
    });
    this.#alwaysTried = always;
    this.#caseless = caseless;
    this.#marks = new Uint32Array(needs.length);
    this.#chosen = new Int32Array(needs.length);
  }

  /** Whether every condition but the first (which triggered it) holds for the last search. */
  #restHolds(rule: number): boolean {
    const conditions = this.#needs[rule]?.conditions ?? [];
    for (let c = 1; c < conditions.length; c++) {
      const condition = conditions[c] ?? [];
      let met = false;
      for (let i = 0; i < condition.length && !met; i++) {
        met = this.#literals.found(condition[i] ?? 0);
      }
      if (!met) return false;
    }
    return true;
  }

  /** The rules that may match `ua`, ascending (a view, valid until the next call). */
  select(ua: string): Int32Array {
    this.#literals.search(ua);
    const stamp = ++this.#stamp;
    const marks = this.#marks;
    const chosen = this.#chosen;
    let count = 0;
    const choose = (rule: number) => {
      if (marks[rule] === stamp) return;
      marks[rule] = stamp;
      chosen[count++] = rule;
    };
    for (const rule of this.#alwaysTried) choose(rule);
    if (!ASCII.test(ua)) { for (const rule of this.#caseless) choose(rule); }
    const found = this.#literals.foundCount;
    for (let f = 0; f < found; f++) {
      const rules = this.#triggers[this.#literals.foundId(f)];
      if (rules === undefined) continue;
      for (let r = 0; r < rules.length; r++) {
        const rule = rules[r] ?? 0;
        if (marks[rule] !== stamp && this.#restHolds(rule)) choose(rule);
      }
    }
    return chosen.subarray(0, count).sort();
  }
}
