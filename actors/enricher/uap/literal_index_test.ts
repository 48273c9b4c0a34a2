import assert from "node:assert/strict";
import { LiteralIndex } from "./literal_index.ts";

function indexOf(exact: string[], folded: string[] = []) {
  const index = new LiteralIndex();
  const ids = new Map<string, number>();
  for (const l of exact) ids.set(l, index.add(l, false));
  for (const l of folded) ids.set(`~${l}`, index.add(l, true));
  index.build();
  const found = (text: string) => {
    index.search(text);
    return [...ids].filter(([, id]) => index.found(id)).map(([l]) => l).sort();
  };
  return { index, found };
}

Deno.test("finds every literal that occurs, overlapping and nested ones too", () => {
  const { found } = indexOf(["he", "she", "his", "hers", "Mobile Safari", "Safari"]);
  assert.deepEqual(found("ushers"), ["he", "hers", "she"]);
  assert.deepEqual(found("Mobile Safari/604"), ["Mobile Safari", "Safari"]);
  assert.deepEqual(found("nothing at all"), []);
});

Deno.test("each search forgets the previous one's literals", () => {
  const { found } = indexOf(["abc", "bcd"]);
  assert.deepEqual(found("xabcx"), ["abc"]);
  assert.deepEqual(found("xbcdx"), ["bcd"]);
});

Deno.test("folded literals match in any case, exact ones only as written", () => {
  const { found } = indexOf(["Spider"], ["spider"]);
  assert.deepEqual(found("YRSPIDER/1"), ["~spider"]);
  assert.deepEqual(found("a Spider"), ["Spider", "~spider"]);
  assert.deepEqual(found("naïve spider ☃"), ["~spider"]);
});

Deno.test("the same literal added twice keeps one id, and nothing is added after build", () => {
  const index = new LiteralIndex();
  assert.equal(index.add("abc", false), index.add("abc", false));
  assert.notEqual(index.add("abc", true), index.add("abc", false));
  index.build();
  assert.throws(() => index.add("new", false), /index built/);
  assert.throws(() => new LiteralIndex().add("Spider", true), /not lower case/);
  assert.throws(() => new LiteralIndex().add("café", false), /not ASCII/);
});
