/**
 * Necessary conditions for a Python regex to match, as literal text: each condition says "the
 * string contains one of these literals", and every condition must hold. The parser uses them
 * to skip rules whose regex cannot match, which is most of uap-core's ~1,200 rules for any one
 * UA. Conservative by construction: what it does not model adds no condition, and a regex it
 * cannot read at all gets none (the rule is always tried).
 */

/** A literal that must be present; `folded`: compare lower-cased (from `[Ss]`-style classes). */
export interface Literal {
  readonly text: string;
  readonly folded: boolean;
}

/** At least one of these literals occurs in every string the regex matches. */
export type Condition = readonly Literal[];

class Unmodelled extends Error {}

interface Scan {
  readonly source: string;
  at: number;
}

/** How selective a condition is taken to be: the length of its shortest literal. */
export function conditionScore(condition: Condition): number {
  return condition.length === 0 ? 0 : Math.min(...condition.map((l) => l.text.length));
}

function best(conditions: readonly Condition[]): Condition | null {
  let found: Condition | null = null;
  for (const c of conditions) {
    if (found === null || conditionScore(c) > conditionScore(found)) found = c;
  }
  return found;
}

/** Reads a quantifier at the scan position: its minimum count, or null when there is none. */
function quantifier(scan: Scan): number | null {
  const found = /^(?:([*+?])|\{(\d*)(,?)(\d*)\})\??/.exec(scan.source.slice(scan.at));
  if (found === null) return null;
  const [all, sign, min = "", comma = ""] = found;
  if (sign === undefined && min === "" && comma === "") return null; // "{}" is a literal
  scan.at += all.length;
  if (sign === "+") return 1;
  if (sign !== undefined) return 0;
  return min === "" ? 0 : Number(min);
}

/** Conditions of an alternation, up to `)` or the end: one, built from each branch's best. */
function alternation(scan: Scan): Condition[] {
  const branches: Condition[][] = [sequence(scan)];
  while (scan.source[scan.at] === "|") {
    scan.at++;
    branches.push(sequence(scan));
  }
  if (branches.length === 1) return branches[0] ?? [];
  const union = new Map<string, Literal>();
  for (const branch of branches) {
    const chosen = best(branch);
    if (chosen === null) return [];
    for (const literal of chosen) union.set(`${literal.folded}:${literal.text}`, literal);
  }
  return [[...union.values()]];
}

/** A class of exactly one ASCII letter in both cases (`[Ss]`, `[sS]`): that letter, folded. */
function casePair(body: string): string | null {
  const [a = "", b = ""] = body;
  if (body.length !== 2 || !/[A-Za-z]/.test(a) || a === b) return null;
  return a.toLowerCase() === b.toLowerCase() ? a.toLowerCase() : null;
}

type Atom = { literal: Literal | null; inner: Condition[]; zeroWidth: boolean };

const NOTHING: Atom = { literal: null, inner: [], zeroWidth: false };

/** One atom: its literal character, or the conditions of a group, or neither. */
function atom(scan: Scan): Atom {
  const { source } = scan;
  const c = source[scan.at] ?? "";
  if (c === "\\") {
    const next = source[scan.at + 1] ?? "";
    scan.at += 2;
    // `\.`, `\-`, `\ `: one literal character; letters and digits are classes, anchors, refs.
    return /[^A-Za-z0-9]/.test(next)
      ? { ...NOTHING, literal: { text: next, folded: false } }
      : NOTHING;
  }
  if (c === "[") {
    const start = scan.at + 1;
    scan.at++;
    if (source[scan.at] === "^") scan.at++;
    if (source[scan.at] === "]") scan.at++;
    while (scan.at < source.length && source[scan.at] !== "]") {
      scan.at += source[scan.at] === "\\" ? 2 : 1;
    }
    const letter = casePair(source.slice(start, scan.at));
    scan.at++;
    return letter === null ? NOTHING : { ...NOTHING, literal: { text: letter, folded: true } };
  }
  if (c === "(") {
    const opening = /^\((?:\?(?::|=|!|<=|<!))?/.exec(source.slice(scan.at))?.[0] ?? "(";
    if (opening === "(" && source[scan.at + 1] === "?") throw new Unmodelled();
    scan.at += opening.length;
    const inner = alternation(scan);
    if (source[scan.at] !== ")") throw new Unmodelled();
    scan.at++;
    const lookaround = opening !== "(" && opening !== "(?:";
    return lookaround ? { ...NOTHING, zeroWidth: true } : { ...NOTHING, inner };
  }
  scan.at++;
  if ("^$".includes(c)) return { ...NOTHING, zeroWidth: true };
  if (c === ".") return NOTHING;
  if ("*+?".includes(c)) throw new Unmodelled();
  if (c === "{" && /^\d*,?\d*\}/.test(source.slice(scan.at)) && source[scan.at] !== "}") {
    throw new Unmodelled();
  }
  return { ...NOTHING, literal: { text: c, folded: false } };
}

/** Conditions of a sequence of atoms, up to `|`, `)` or the end: all of them must hold. */
function sequence(scan: Scan): Condition[] {
  const conditions: Condition[] = [];
  let run = "";
  let folded = false;
  const endRun = () => {
    if (run !== "") conditions.push([{ text: folded ? run.toLowerCase() : run, folded }]);
    run = "";
    folded = false;
  };
  const extend = (literal: Literal) => {
    run += literal.text;
    folded ||= literal.folded;
  };
  while (scan.at < scan.source.length && !"|)".includes(scan.source[scan.at] ?? "")) {
    const { literal, inner, zeroWidth } = atom(scan);
    const min = zeroWidth ? 1 : quantifier(scan);
    if (literal !== null && min === null) {
      extend(literal); // exactly once: the run goes on
      continue;
    }
    if (literal !== null && min !== null && min >= 1) {
      extend(literal); // at least once: required, but what follows need not be adjacent
      endRun();
      continue;
    }
    endRun();
    if (min === null || min >= 1) conditions.push(...inner);
  }
  endRun();
  return conditions;
}

/** Conditions that every match of a Python regex source satisfies (none when unreadable). */
export function requiredLiterals(source: string): Condition[] {
  const scan: Scan = { source, at: 0 };
  try {
    const conditions = alternation(scan);
    return scan.at < source.length ? [] : conditions;
  } catch (error: unknown) {
    if (error instanceof Unmodelled) return [];
    throw error;
  }
}
