import assert from "node:assert/strict";
import { userAgentCatalog } from "../../../tools/produce/user_agents.ts";
import { sampleUserAgent } from "../sample_events.ts";
import { uapParse } from "./uap_parser.ts";
import { LiteralIndex } from "./literal_index.ts";
import { RulePrefilter } from "./rule_prefilter.ts";
import { compileRules, type UapRules, uapRules } from "./uap_rules.ts";

// A small rule set that exercises the Python parser's quirks; every expected value below is what
// `ua_parser.user_agent_parser.Parse` 0.18.0 returns with the same rules.
const QUIRKS = compileRules(String.raw`
user_agent_parsers:
  - regex: '(x*)Foo/(\d+)'
  - regex: '(Foo)/(\d+)'
  - regex: '(\S+) App'
    family_replacement: '$1!'
  - regex: '(Qux)/(\d+)'
    family_replacement: '$1 for $2'
    v1_replacement: '$1'
  - regex: '()Bar/(\d+)'
os_parsers:
  - regex: '(Win) (\d+)'
    os_replacement: ' $1 $2 $9 '
  - regex: '(Nix)(?: (\d*))?'
  - regex: '(Emp)()'
    os_replacement: '$2'
  - regex: '(Emp)'
    os_replacement: 'Empty'
  - regex: '(Foo) (\d+)\.(\d*)'
device_parsers:
  - regex: '(Phone) (\w+)'
    brand_replacement: 'Acme'
  - regex: '(tab)let'
    regex_flag: 'i'
    device_replacement: 'Tab $1'
    model_replacement: 'M$1'
  - regex: '()Baz'
`);

const browser = (ua: string) => uapParse(ua, QUIRKS).browser;

Deno.test("the first rule with a non-empty name wins; an empty name falls through", () => {
  assert.deepEqual(browser("Foo/2"), { family: "Foo", major: "2", minor: null, patch: null });
});

Deno.test("when no rule names the browser, the last rule's versions stay (Python's loop)", () => {
  assert.deepEqual(browser("Bar/3"), { family: "Other", major: "3", minor: null, patch: null });
  assert.deepEqual(browser("nothing"), { family: "Other", major: null, minor: null, patch: null });
});

Deno.test("a browser family substitutes only $1; version replacements are taken verbatim", () => {
  assert.deepEqual(browser("Qux/4"), {
    family: "Qux for $2",
    major: "$1",
    minor: null,
    patch: null,
  });
});

Deno.test("group 1 in a family replacement is a Python template: its backslash escapes apply", () => {
  assert.equal(browser(String.raw`x\ny App`).family, "x\ny!");
  assert.equal(browser(String.raw`a\\b App`).family, String.raw`a\b!`);
});

Deno.test("OS replacements take $1-$9 (missing groups as nothing), trimmed; empty falls through", () => {
  assert.deepEqual(uapParse("Win 7", QUIRKS).os, {
    family: "Win 7",
    major: "7",
    minor: null,
    patch: null,
    patchMinor: null,
  });
  assert.equal(uapParse("Emp", QUIRKS).os.family, "Empty");
  assert.deepEqual([uapParse("Nix", QUIRKS).os.major, uapParse("Nix 5", QUIRKS).os.major], [
    null,
    "5",
  ]);
});

Deno.test("an OS version group that matched empty stays an empty string", () => {
  const os = uapParse("Foo 10.", QUIRKS).os;
  assert.deepEqual([os.family, os.major, os.minor], ["Foo", "10", ""]);
});

Deno.test("devices: brand only by replacement, model from group 1, regex_flag i, empty kept", () => {
  assert.deepEqual(uapParse("Phone X1", QUIRKS).device, {
    family: "Phone",
    brand: "Acme",
    model: "Phone",
  });
  assert.deepEqual(uapParse("TABLET", QUIRKS).device, {
    family: "Tab TAB",
    brand: null,
    model: "MTAB",
  });
  assert.deepEqual(uapParse("Baz", QUIRKS).device, { family: "", brand: null, model: "" });
  assert.deepEqual(uapParse("nothing", QUIRKS).device, {
    family: "Other",
    brand: null,
    model: null,
  });
});

/** The pinned rules with the literal prefilter switched off: every rule is tried. */
function unfiltered(rules: UapRules): UapRules {
  const count = rules.browsers.length + rules.os.length + rules.devices.length;
  const none = new LiteralIndex();
  none.build();
  const needs = Array.from({ length: count }, () => ({ conditions: [], ignoreCase: false }));
  return { ...rules, prefilter: new RulePrefilter(needs, none) };
}

Deno.test("the literal prefilter changes no result: the generator's UAs parse alike without it", () => {
  const rules = uapRules();
  const everyRule = unfiltered(rules);
  const agents = [
    ...userAgentCatalog().map((e) => e.value),
    ...Array.from({ length: 600 }, (_, i) => sampleUserAgent(i)),
    "Mozilla/5.0 (compatible; ſpider/1.0)",
    "Mozilla/5.0 (Linux; Android ١٠; SM-G991B) AppleWebKit/537.36 Chrome/٩٠.0 Mobile Safari/537.36",
  ];
  for (const ua of agents) assert.deepEqual(uapParse(ua, rules), uapParse(ua, everyRule), ua);
});

Deno.test("the pinned uap-core rules compile whole, every regex accepted", () => {
  const rules = uapRules();
  assert.deepEqual([rules.browsers.length, rules.os.length, rules.devices.length], [350, 197, 628]);
  const tried = [...rules.browsers, ...rules.os, ...rules.devices];
  const alwaysTried = tried.filter((r) => r.need.conditions.length === 0).length;
  assert.ok(alwaysTried <= 5, `${alwaysTried} rules have no literal condition`);
});
