/**
 * The uap-core match rules as the Python `ua-parser` package (0.18.0, `user_agent_parser.Parse`)
 * applies them, quirks included, because the original job's values came from it: rules are tried
 * in order and the first that yields a truthy name wins; when none does, the last rule's versions
 * stay; browser families substitute only `$1`, OS and device replacements `$1`..`$9` and are
 * trimmed; browser versions come from groups 2-4 only up to Python's `lastindex`.
 */

import { lastIndex, PYTHON_WHITESPACE } from "./python_regex.ts";
import {
  type BrowserRule,
  type DeviceRule,
  type OsRule,
  type UapRules,
  uapRules,
} from "./uap_rules.ts";

/** Browser ("user_agent") part of a parse. */
export interface UapBrowser {
  readonly family: string;
  readonly major: string | null;
  readonly minor: string | null;
  readonly patch: string | null;
}

/** OS part of a parse; versions may be "" where a group matched empty (Python keeps those). */
export interface UapOs {
  readonly family: string;
  readonly major: string | null;
  readonly minor: string | null;
  readonly patch: string | null;
  readonly patchMinor: string | null;
}

/** Device part of a parse. */
export interface UapDevice {
  readonly family: string;
  readonly brand: string | null;
  readonly model: string | null;
}

/** What `user_agent_parser.Parse` returns for one string. */
export interface UapParse {
  readonly browser: UapBrowser;
  readonly os: UapOs;
  readonly device: UapDevice;
}

const group = (m: RegExpExecArray, g: number): string | null => m[g] ?? null;

/**
 * Python's `re.sub(r"\$1", group1, template)`: group 1 is itself a replacement template there,
 * so its backslash escapes are processed (`\\` -> `\`, `\n` -> newline, ...).
 */
function substituteFirst(template: string, group1: string): string {
  const text = group1.includes("\\") ? pythonTemplate(group1) : group1;
  return template.replaceAll("$1", () => text);
}

const TEMPLATE_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\",
  n: "\n",
  t: "\t",
  r: "\r",
  f: "\f",
  v: "\v",
  a: "\x07",
  b: "\b",
};

/** A Python replacement template without group references, expanded. */
function pythonTemplate(text: string): string {
  // Other escapes of ASCII letters and digits make Python raise (the original's row would fail);
  // they are kept verbatim here.
  return text.replace(/\\(.)/gs, (all, c: string) => TEMPLATE_ESCAPES[c] ?? all);
}

/** `MultiReplace`: `$1`..`$9` from the match (missing groups as ""), trimmed, "" as null. */
function multiReplace(template: string, m: RegExpExecArray, groups: number): string | null {
  const replaced = template.replace(/\$(\d)/g, (_all, digit: string) => {
    // Python indexes match.groups() with digit - 1, so "$0" reads the last group.
    const index = Number(digit) - 1;
    if (index >= groups || groups === 0) return "";
    return m[index < 0 ? groups : index + 1] ?? "";
  });
  return pythonStrip(replaced) || null;
}

// Python's str.strip() without arguments: Unicode whitespace (str.isspace()).
const STRIP = new RegExp(`^[${PYTHON_WHITESPACE}]+|[${PYTHON_WHITESPACE}]+$`, "g");
const pythonStrip = (text: string) => text.replace(STRIP, "");

type BrowserMatch = [string | null, string | null, string | null, string | null];

function matchBrowser(rule: BrowserRule, ua: string): BrowserMatch {
  const m = rule.pattern.regex.exec(ua);
  if (m === null) return [null, null, null, null];
  let family: string | null;
  if (rule.family === null) family = group(m, 1);
  else if (rule.family.includes("$1")) family = substituteFirst(rule.family, group(m, 1) ?? "");
  else family = rule.family;
  const last = lastIndex(rule.pattern, m);
  const v1 = rule.v1 ?? (last >= 2 ? group(m, 2) || null : null);
  const v2 = rule.v2 ?? (last >= 3 ? group(m, 3) || null : null);
  const v3 = last >= 4 ? group(m, 4) || null : null;
  return [family, v1, v2, v3];
}

type OsMatch = [string | null, string | null, string | null, string | null, string | null];

function matchOs(rule: OsRule, ua: string): OsMatch {
  const m = rule.pattern.regex.exec(ua);
  if (m === null) return [null, null, null, null, null];
  const last = lastIndex(rule.pattern, m);
  const groups = rule.pattern.groups;
  const pick = (template: string | null, g: number) =>
    template !== null ? multiReplace(template, m, groups) : last >= g ? group(m, g) : null;
  return [pick(rule.os, 1), pick(rule.v1, 2), pick(rule.v2, 3), pick(rule.v3, 4), pick(rule.v4, 5)];
}

type DeviceMatch = [string | null, string | null, string | null];

function matchDevice(rule: DeviceRule, ua: string): DeviceMatch {
  const m = rule.pattern.regex.exec(ua);
  if (m === null) return [null, null, null];
  const groups = rule.pattern.groups;
  const device = rule.device !== null ? multiReplace(rule.device, m, groups) : group(m, 1);
  const brand = rule.brand !== null ? multiReplace(rule.brand, m, groups) : null;
  const model = rule.model !== null
    ? multiReplace(rule.model, m, groups)
    : groups > 0
    ? group(m, 1)
    : null;
  return [device, brand, model];
}

/**
 * The first rule's result whose name is truthy, else the last rule's (Python keeps its loop
 * variables). Only the rules `selected` (rule numbers, ascending; this section's start at
 * `offset`) are run: the others cannot match, so they would have given nothing.
 */
function firstNamed<R, T extends (string | null)[]>(
  rules: readonly R[],
  offset: number,
  selected: Int32Array,
  ua: string,
  match: (rule: R, ua: string) => T,
  none: T,
): T {
  const end = offset + rules.length;
  let result = none;
  let last = -1;
  for (let i = 0; i < selected.length; i++) {
    const n = selected[i] ?? -1;
    if (n < offset) continue;
    if (n >= end) break;
    const rule = rules[n - offset];
    if (rule === undefined) continue;
    result = match(rule, ua);
    last = n;
    if (result[0]) return result;
  }
  return last === end - 1 ? result : none;
}

/** Parses `ua` as `ua_parser.user_agent_parser.Parse` 0.18.0 does. */
export function uapParse(ua: string, rules: UapRules = uapRules()): UapParse {
  const selected = rules.prefilter.select(ua);
  const osOffset = rules.browsers.length;
  const deviceOffset = osOffset + rules.os.length;
  const [family, major, minor, patch] = firstNamed(rules.browsers, 0, selected, ua, matchBrowser, [
    null,
    null,
    null,
    null,
  ]);
  const [os, osMajor, osMinor, osPatch, osPatchMinor] = firstNamed(
    rules.os,
    osOffset,
    selected,
    ua,
    matchOs,
    [null, null, null, null, null],
  );
  const [device, brand, model] = firstNamed(
    rules.devices,
    deviceOffset,
    selected,
    ua,
    matchDevice,
    [null, null, null],
  );
  return {
    browser: {
      family: family || "Other",
      major: major || null,
      minor: minor || null,
      patch: patch || null,
    },
    os: {
      family: os || "Other",
      major: osMajor,
      minor: osMinor,
      patch: osPatch,
      patchMinor: osPatchMinor,
    },
    // Python replaces only a missing device family (None), not an empty one.
    device: { family: device ?? "Other", brand, model },
  };
}
