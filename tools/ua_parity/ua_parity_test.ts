import assert from "node:assert/strict";
// @ts-types="@types/js-yaml"
import { load } from "js-yaml";
import regexesYaml from "uap-core/regexes.yaml" with { type: "text" };
import { sampleUserAgent } from "../../actors/enricher/sample_events.ts";
import { UAP_CORE_VERSION } from "../../actors/enricher/uap/uap_rules.ts";
import { userAgentCatalog } from "../produce/user_agents.ts";
import { PythonMissingError } from "../python/python_env.ts";
import {
  ORIGINAL_FIELDS,
  type PythonResult,
  pythonUapRules,
  pythonUserAgents,
} from "./python_user_agents.ts";
import { agreement, type Corpus, formatAgreements } from "./ua_parity.ts";
import { CargoMissingError, uapCoreTestFiles } from "./uap_core_test_files.ts";

/** The bar: every field agrees on at least this share of each corpus. */
const MIN_AGREEMENT = 0.995;

/**
 * Strings where Python's `re` and JavaScript's RegExp differ unless translated: digits and
 * letters of other scripts, `$` before a final newline, `.` against U+2028 and astral
 * characters, case folding of "ſ", escapes in group 1 of a `$1` family, empty strings.
 */
const EDGES = [
  "Mozilla/5.0 (Linux; Android ١٠; SM-G991B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/٩٠.0.4430.210 Mobile Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:76.0) Gecko/20100101 Firefox/０７６.０",
  "Mozilla/5.0 (X11; Linux x86_64; rv:76.0) Gecko/20100101 Firefox/76.0\n",
  "Mozilla/5.0 (Linux; Android 10; Redmi Note 8 Pro\u2028Build/QP1A) AppleWebKit/537.36 Chrome/83.0.4103.106 Mobile Safari/537.36",
  "Mozilla/5.0 (compatible; ſpider/1.0)",
  "Mozilla/5.0 (Linux; Android 9; ＳＭ-G960F) AppleWebKit/537.36 Chrome/80.0 Mobile Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 13_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1 Mobile/15E148 Safari/604.1 😀😀",
  "ESPN APP\n",
  "FxiOS/7.0.4 Mobile",
  "Mozilla/5.0 (Linux; Android 4.4.2; SM-T530 Build/KOT49H) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/33.0 Safari/537.36\u0085",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_4\\n) Chrome/1.2.3.4 Safari/537.36",
  "",
  " ",
  "\\",
];

async function corpora(): Promise<Corpus[]> {
  const catalog = userAgentCatalog();
  const found: Corpus[] = [];
  try {
    for (const file of await uapCoreTestFiles()) {
      found.push({ name: file.name, agents: file.agents });
    }
  } catch (error: unknown) {
    if (!(error instanceof CargoMissingError)) throw error;
    console.log(`uap-core test files left out: ${error.message}`);
  }
  found.push(
    {
      name: "generator catalog, weighted as events",
      agents: catalog.map((e) => e.value),
      weights: catalog.map((e) => e.weight),
    },
    {
      name: "enrich bench pool",
      agents: Array.from({ length: 3000 }, (_, i) => sampleUserAgent(i)),
    },
    { name: "Python/JavaScript regex edge cases", agents: EDGES },
  );
  return found;
}

Deno.test("every user-agent field equals Python user-agents 2.2.0's on at least 99.5% of each corpus", async () => {
  const all = await corpora();
  const distinct = [...new Set(all.flatMap((c) => c.agents))];
  let results: PythonResult[];
  try {
    results = await pythonUserAgents(distinct);
  } catch (error: unknown) {
    if (!(error instanceof PythonMissingError)) throw error;
    console.log(`UA parity test skipped: ${error.message}`);
    return;
  }
  const python = new Map(distinct.map((ua, i) => [ua, results[i] ?? { error: "missing" }]));
  const rows = all.map((corpus) => agreement(corpus, python));
  console.log(
    `uap-core ${UAP_CORE_VERSION} rules against Python user-agents 2.2.0, ` +
      `${distinct.length} distinct strings\n${formatAgreements(rows)}`,
  );
  for (const row of rows) {
    row.shares.forEach((share, k) => {
      assert.ok(
        share >= MIN_AGREEMENT,
        `${ORIGINAL_FIELDS[k]} agrees on ${(share * 100).toFixed(2)}% of ${row.corpus}, ` +
          `below ${MIN_AGREEMENT * 100}%`,
      );
    });
  }
  // The shares are not vacuous: the uap-core files and the generator were compared.
  assert.ok(rows.every((r) => r.strings > 0 && r.pythonErrors < r.strings));
});

Deno.test("the enricher's uap-core rules are exactly the ones Python's pinned ua-parser bundles", async () => {
  let python: unknown;
  try {
    python = await pythonUapRules();
  } catch (error: unknown) {
    if (!(error instanceof PythonMissingError)) throw error;
    console.log(`UA rules check skipped: ${error.message}`);
    return;
  }
  assert.deepEqual(load(regexesYaml), python);
});
