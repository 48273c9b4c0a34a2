/**
 * The uap-core rules (browser, OS and device regexes with their replacements), read from the
 * pinned npm `uap-core` package's `regexes.yaml`, checked, and compiled once per module instance
 * (once per enricher Worker). The pin is uap-core 0.18.0 because that is the release the Python
 * side bundles: `ua-parser==0.18.0` (pinned with `user-agents==2.2.0` in
 * `tools/ua_parity/requirements.txt`) ships exactly these regexes, and the original job's names
 * are whatever that pair gives. Bump both together, then run the parity test.
 */

// @ts-types="@types/js-yaml"
import { load } from "js-yaml";
import regexesYaml from "uap-core/regexes.yaml" with { type: "text" };
import { LiteralIndex } from "./literal_index.ts";
import { type PythonRegex, pythonRegex } from "./python_regex.ts";
import { conditionScore, requiredLiterals } from "./required_literals.ts";
import { type Need, RulePrefilter } from "./rule_prefilter.ts";

/** uap-core release of the rules (the npm pin in deno.json). */
export const UAP_CORE_VERSION = "0.18.0";

/** A browser rule: `family` may hold `$1`; `v1`, `v2` replace versions verbatim. */
export interface BrowserRule {
  readonly pattern: PythonRegex;
  readonly need: Need;
  readonly family: string | null;
  readonly v1: string | null;
  readonly v2: string | null;
}

/** An OS rule; each replacement may hold `$1`..`$9`. */
export interface OsRule {
  readonly pattern: PythonRegex;
  readonly need: Need;
  readonly os: string | null;
  readonly v1: string | null;
  readonly v2: string | null;
  readonly v3: string | null;
  readonly v4: string | null;
}

/** A device rule (`regex_flag: i` makes it case-insensitive); replacements may hold `$1`..`$9`. */
export interface DeviceRule {
  readonly pattern: PythonRegex;
  readonly need: Need;
  readonly device: string | null;
  readonly brand: string | null;
  readonly model: string | null;
}

/** Every rule, in uap-core's order (the first rule that yields a name wins). */
export interface UapRules {
  readonly browsers: readonly BrowserRule[];
  readonly os: readonly OsRule[];
  readonly devices: readonly DeviceRule[];
  /** Picks the rules that may match a UA (numbered browsers, then OS, then devices). */
  readonly prefilter: RulePrefilter;
}

type Entry = Readonly<Record<string, string>>;

function entries(doc: Record<string, unknown>, section: string): Entry[] {
  const list = doc[section];
  if (!Array.isArray(list)) {
    throw new TypeError(`uap-core regexes.yaml: ${section} is not a list`);
  }
  return list.map((item: unknown, i) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new TypeError(`uap-core regexes.yaml: ${section}[${i}] is not a mapping`);
    }
    const entry: Record<string, string> = {};
    for (const [key, value] of Object.entries(item)) {
      if (typeof value !== "string") {
        throw new TypeError(
          `uap-core regexes.yaml: ${section}[${i}].${key} is ${JSON.stringify(value)}, ` +
            `not a string`,
        );
      }
      entry[key] = value;
    }
    if (entry.regex === undefined) {
      throw new TypeError(`uap-core regexes.yaml: ${section}[${i}] has no regex`);
    }
    return entry;
  });
}

// The Python parser tests replacements for truth, so an empty one counts as absent.
const opt = (entry: Entry, key: string): string | null => entry[key] || null;

/** Parses and compiles a regexes.yaml document. */
export function compileRules(yamlText: string): UapRules {
  const doc: unknown = load(yamlText);
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new TypeError("uap-core regexes.yaml is not a mapping");
  }
  const sections = doc as Record<string, unknown>;
  const literals = new LiteralIndex();
  const compile = (e: Entry, ignoreCase = false) => {
    const source = e.regex ?? "";
    const conditions = requiredLiterals(source)
      .sort((a, b) => conditionScore(b) - conditionScore(a))
      .map((condition) =>
        condition.map(({ text, folded }) =>
          ignoreCase || folded ? literals.add(text.toLowerCase(), true) : literals.add(text, false)
        )
      );
    return { pattern: pythonRegex(source, ignoreCase), need: { conditions, ignoreCase } };
  };
  const browsers = entries(sections, "user_agent_parsers").map((e) => ({
    ...compile(e),
    family: opt(e, "family_replacement"),
    v1: opt(e, "v1_replacement"),
    v2: opt(e, "v2_replacement"),
  }));
  const os = entries(sections, "os_parsers").map((e) => ({
    ...compile(e),
    os: opt(e, "os_replacement"),
    v1: opt(e, "os_v1_replacement"),
    v2: opt(e, "os_v2_replacement"),
    v3: opt(e, "os_v3_replacement"),
    v4: opt(e, "os_v4_replacement"),
  }));
  const devices = entries(sections, "device_parsers").map((e) => ({
    ...compile(e, e.regex_flag === "i"),
    device: opt(e, "device_replacement"),
    brand: opt(e, "brand_replacement"),
    model: opt(e, "model_replacement"),
  }));
  literals.build();
  const needs = [...browsers, ...os, ...devices].map((rule) => rule.need);
  return { browsers, os, devices, prefilter: new RulePrefilter(needs, literals) };
}

let pinned: UapRules | undefined;

/** The pinned uap-core rules, compiled on first use. */
export function uapRules(): UapRules {
  pinned ??= compileRules(regexesYaml);
  return pinned;
}
