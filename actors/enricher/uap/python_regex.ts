/**
 * Python `re` patterns (as uap-core writes them for the Python parser) as JavaScript RegExps that
 * match the same strings: the uap-core regexes are written for Python's str patterns, whose `\d`,
 * `\w`, `\s`, `\b` and `.` are Unicode-aware and differ from JavaScript's, and whose syntax is
 * looser (`\-` or `\ ` outside a class, a literal `{`). Translates deliberately; throws on what
 * it does not know instead of guessing.
 */

/** A compiled pattern and how its capture groups nest (Python's `lastindex` depends on it). */
export interface PythonRegex {
  readonly regex: RegExp;
  /** Number of capture groups. */
  readonly groups: number;
  /** `parents[g]`: the innermost capture group enclosing group `g` (0 for none; index 0 unused). */
  readonly parents: readonly number[];
  /** Whether any capture group sits inside another (then `regex` carries the `d` flag). */
  readonly nested: boolean;
}

// Python's `\w` in a str pattern: str.isalnum() or "_", i.e. letters, numbers and underscore.
const WORD = String.raw`\p{L}\p{N}_`;
/**
 * Python's `\s` as class contents: str.isspace(), which includes \x1c-\x1f and \x85 and not
 * \ufeff (JavaScript's `\s` is the other way round).
 */
export const PYTHON_WHITESPACE = String
  .raw`\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000`;
const BOUNDARY = `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
const NOT_BOUNDARY = `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`;

/** Characters that keep their backslash under the `u` flag outside a class. */
const SYNTAX = new Set("^$\\.*+?()[]{}|/");
/** Inside a class, `-` may be escaped too. */
const CLASS_SYNTAX = new Set([...SYNTAX, "-"]);
const SIMPLE_ESCAPES = new Set(["n", "t", "r", "f", "v"]);

function unsupported(source: string, at: number, what: string): never {
  throw new SyntaxError(
    `Cannot translate the Python regex ${JSON.stringify(source)}: ${what} at offset ${at}; ` +
      `extend actors/enricher/uap/python_regex.ts before using this regex`,
  );
}

/** The escape `\c` at `at` outside a class, in JavaScript (`u` flag). */
function escapeOutside(source: string, at: number, c: string): string {
  switch (c) {
    case "d":
      return String.raw`\p{Nd}`;
    case "D":
      return String.raw`\P{Nd}`;
    case "w":
      return `[${WORD}]`;
    case "W":
      return `[^${WORD}]`;
    case "s":
      return `[${PYTHON_WHITESPACE}]`;
    case "S":
      return `[^${PYTHON_WHITESPACE}]`;
    case "b":
      return BOUNDARY;
    case "B":
      return NOT_BOUNDARY;
    case "A":
      return "^";
    case "Z":
      return "$";
  }
  if (SIMPLE_ESCAPES.has(c)) return `\\${c}`;
  if (/[1-9]/.test(c)) return `\\${c}`;
  if (/[A-Za-z0-9]/.test(c)) unsupported(source, at, `escape \\${c}`);
  return SYNTAX.has(c) ? `\\${c}` : c;
}

/** The escape `\c` at `at` inside a class, in JavaScript (`u` flag). */
function escapeInside(source: string, at: number, c: string): string {
  switch (c) {
    case "d":
      return String.raw`\p{Nd}`;
    case "D":
      return String.raw`\P{Nd}`;
    case "w":
      return WORD;
    case "s":
      return PYTHON_WHITESPACE;
    case "b":
      return String.raw`\x08`;
  }
  if (SIMPLE_ESCAPES.has(c)) return `\\${c}`;
  if (/[A-Za-z0-9]/.test(c)) unsupported(source, at, `escape \\${c} in a class`);
  return CLASS_SYNTAX.has(c) ? `\\${c}` : c;
}

/** `{m,n}` quantifier text at `at` (Python forms), or null when the `{` is a literal. */
function quantifier(source: string, at: number): { text: string; end: number } | null {
  const found = /^\{(\d*)(,?)(\d*)\}/.exec(source.slice(at));
  if (found === null) return null;
  const [all, min = "", comma = "", max = ""] = found;
  if (min === "" && comma === "") return null; // "{}" is a literal; "{,}" means {0,}
  return { text: `{${min === "" ? "0" : min}${comma}${max}}`, end: at + all.length };
}

/** Translates `source` (Python `re` syntax) into a JavaScript RegExp. */
export function pythonRegex(source: string, ignoreCase = false): PythonRegex {
  let out = "";
  let inClass = false;
  const parents: number[] = [0];
  // Open groups: the capture index, or 0 for a non-capturing group or an assertion.
  const open: number[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] ?? "";
    if (c === "\\") {
      const next = source[i + 1];
      if (next === undefined) unsupported(source, i, "a trailing backslash");
      out += inClass ? escapeInside(source, i, next) : escapeOutside(source, i, next);
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      if (c === "[") out += "\\[";
      else out += c;
      i++;
      continue;
    }
    switch (c) {
      case "[": {
        inClass = true;
        out += "[";
        i++;
        if (source[i] === "^") {
          out += "^";
          i++;
        }
        // A "]" first in a Python class is a literal.
        if (source[i] === "]") {
          out += "\\]";
          i++;
        }
        continue;
      }
      case "(": {
        if (source[i + 1] !== "?") {
          parents.push(open.findLast((g) => g > 0) ?? 0);
          open.push(parents.length - 1);
          out += "(";
          i++;
          continue;
        }
        const kind = /^\(\?(?::|=|!|<=|<!)/.exec(source.slice(i))?.[0];
        if (kind === undefined) unsupported(source, i, "a group kind other than (?: (?= (?! (?<=");
        open.push(0);
        out += kind;
        i += kind.length;
        continue;
      }
      case ")":
        if (open.pop() === undefined) unsupported(source, i, "an unbalanced )");
        out += ")";
        i++;
        continue;
      case "{": {
        const q = quantifier(source, i);
        out += q === null ? "\\{" : q.text;
        i = q === null ? i + 1 : q.end;
        continue;
      }
      case "}":
      case "]":
        out += `\\${c}`;
        i++;
        continue;
      case ".":
        out += "[^\\n]";
        i++;
        continue;
      case "$":
        // Python's `$` also matches before a newline that ends the string.
        out += "(?=\\n?$)";
        i++;
        continue;
      case "*":
      case "+":
      case "?":
        if (source[i + 1] === "+") unsupported(source, i, "a possessive quantifier");
        out += c;
        i++;
        continue;
      default:
        out += c;
        i++;
    }
  }
  if (inClass) unsupported(source, source.length, "an unterminated class");
  if (open.length > 0) unsupported(source, source.length, "an unclosed group");
  const nested = parents.some((p) => p > 0);
  const flags = `u${ignoreCase ? "i" : ""}${nested ? "d" : ""}`;
  return { regex: new RegExp(out, flags), groups: parents.length - 1, parents, nested };
}

/** Whether group `ancestor` encloses group `g`. */
function encloses(parents: readonly number[], ancestor: number, g: number): boolean {
  for (let p = parents[g] ?? 0; p > 0; p = parents[p] ?? 0) if (p === ancestor) return true;
  return false;
}

/**
 * Python's `match.lastindex`: the capture group that closed last, or 0 when none took part.
 * Without nested groups (and uap-core has no captures inside repetitions) that is the highest
 * group that took part; with nesting, an enclosing group closes after the groups inside it.
 */
export function lastIndex(pattern: PythonRegex, match: RegExpExecArray): number {
  let last = 0;
  if (!pattern.nested) {
    for (let g = pattern.groups; g > 0; g--) if (match[g] !== undefined) return g;
    return 0;
  }
  const spans = match.indices;
  if (spans === undefined) throw new TypeError("a nested pattern must be compiled with the d flag");
  let lastEnd = -1;
  for (let g = 1; g <= pattern.groups; g++) {
    const span = spans[g];
    if (span === undefined) continue;
    const end = span[1];
    if (end > lastEnd || (end === lastEnd && !encloses(pattern.parents, last, g))) {
      last = g;
      lastEnd = end;
    }
  }
  return last;
}
