/**
 * Field-by-field agreement between the enricher's user-agent fields and the Python package's, over
 * a corpus of strings (optionally weighted, e.g. by how often the generator sends each), with a
 * few disagreeing examples per field for the report.
 */

import { parseUserAgent } from "../../actors/enricher/user_agent_info.ts";
import { ORIGINAL_FIELDS, type OriginalFields, type PythonResult } from "./python_user_agents.ts";

/** The enricher's values of the original's 12 fields, in the original's order. */
export function enricherFields(ua: string): OriginalFields {
  const i = parseUserAgent(ua);
  return [
    i.browserFamily,
    i.browserVersion,
    i.osFamily,
    i.osVersion,
    i.deviceFamily,
    i.deviceBrand,
    i.deviceModel,
    i.isMobile,
    i.isTablet,
    i.isTouchCapable,
    i.isPc,
    i.isBot,
  ];
}

/** A corpus: strings, and each one's weight (1 each when absent). */
export interface Corpus {
  readonly name: string;
  readonly agents: readonly string[];
  readonly weights?: readonly number[];
}

/** Agreement of one corpus. */
export interface Agreement {
  readonly corpus: string;
  readonly strings: number;
  /** Strings the Python package raised on (left out of the shares). */
  readonly pythonErrors: number;
  /** Share (0..1) of the weight on which each field agrees, in `ORIGINAL_FIELDS` order. */
  readonly shares: readonly number[];
  /** Up to 3 disagreements per field: the string, ours, Python's. */
  readonly examples: readonly string[];
}

/** Compares `corpus` given Python's results for its strings (`python.get(ua)`). */
export function agreement(corpus: Corpus, python: ReadonlyMap<string, PythonResult>): Agreement {
  const agreed = ORIGINAL_FIELDS.map(() => 0);
  const shown = ORIGINAL_FIELDS.map(() => 0);
  const examples: string[] = [];
  let total = 0;
  let pythonErrors = 0;
  corpus.agents.forEach((ua, i) => {
    const theirs = python.get(ua);
    if (theirs === undefined) throw new RangeError(`No Python result for ${JSON.stringify(ua)}`);
    if ("error" in theirs) {
      pythonErrors++;
      return;
    }
    const weight = corpus.weights?.[i] ?? 1;
    total += weight;
    const ours = enricherFields(ua);
    ORIGINAL_FIELDS.forEach((field, k) => {
      if (ours[k] === theirs.fields[k]) {
        agreed[k] = (agreed[k] ?? 0) + weight;
      } else if ((shown[k] ?? 0) < 3) {
        shown[k] = (shown[k] ?? 0) + 1;
        examples.push(
          `${field}: ours ${JSON.stringify(ours[k])}, Python ${JSON.stringify(theirs.fields[k])} ` +
            `for ${JSON.stringify(ua)}`,
        );
      }
    });
  });
  const shares = agreed.map((a) => total === 0 ? 1 : a / total);
  return { corpus: corpus.name, strings: corpus.agents.length, pythonErrors, shares, examples };
}

/** A table of the agreements, one row per corpus, one column per field (percent). */
export function formatAgreements(rows: readonly Agreement[]): string {
  const header = ["corpus (strings)", ...ORIGINAL_FIELDS].join(" | ");
  const lines = rows.map((r) =>
    [
      `${r.corpus} (${r.strings}${r.pythonErrors > 0 ? `, ${r.pythonErrors} Python errors` : ""})`,
      ...r.shares.map((share) => `${(share * 100).toFixed(2)}%`),
    ].join(" | ")
  );
  return [header, ...lines, ...rows.flatMap((r) => r.examples)].join("\n");
}
