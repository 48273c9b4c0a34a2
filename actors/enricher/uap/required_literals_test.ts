import assert from "node:assert/strict";
import { requiredLiterals } from "./required_literals.ts";

const texts = (source: string) =>
  requiredLiterals(source).map((c) => c.map((l) => (l.folded ? `~${l.text}` : l.text)));

Deno.test("a regex needs every literal run it cannot match without", () => {
  assert.deepEqual(texts(String.raw`(Chrome)/(\d+)\.(\d+) Mobile`), [["Chrome"], ["/"], ["."], [
    " Mobile",
  ]]);
  assert.deepEqual(texts(String.raw`Mozilla.{1,200}Android\ (\d+)`), [["Mozilla"], ["Android "]]);
});

Deno.test("optional parts need nothing, and a repeated character ends its run", () => {
  assert.deepEqual(texts(String.raw`(?:Mobile |)Safari/(\d+)`), [["Safari/"]]);
  assert.deepEqual(texts("ab?c"), [["a"], ["c"]]);
  assert.deepEqual(texts("ab+c"), [["ab"], ["c"]]);
  assert.deepEqual(texts("x(?:abc)*y"), [["x"], ["y"]]);
});

Deno.test("an alternation needs one of its branches' best literals", () => {
  assert.deepEqual(texts(String.raw`(iPod|iPhone|iPad).+GSA/(\d+)`), [["iPod", "iPhone", "iPad"], [
    "GSA/",
  ]]);
  assert.deepEqual(texts("(?:Foo|x?)Bar"), [["Bar"]]);
});

Deno.test("case-pair classes give a lower-case literal compared case-insensitively", () => {
  assert.deepEqual(texts("[Ss][Pp]ider|[Cc]rawl"), [["~spider", "~crawl"]]);
  assert.deepEqual(texts("[Ss]x[Ab]"), [["~sx"]]);
});

Deno.test("lookarounds, anchors and classes break runs without adding literals", () => {
  assert.deepEqual(texts(String.raw`^Ab(?=cd)ef$`), [["Ab"], ["ef"]]);
  assert.deepEqual(texts(String.raw`\bS60\b[;)]x`), [["S60"], ["x"]]);
});

Deno.test("a regex it cannot read needs nothing, so its rule is always tried", () => {
  assert.deepEqual(texts("(?P<n>abc)"), []);
  assert.deepEqual(texts("abc)"), []);
  assert.deepEqual(texts("^.{0,200}?(?:[A-z]{1,50})"), []);
});
