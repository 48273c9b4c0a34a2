import assert from "node:assert/strict";
import { lastIndex, pythonRegex } from "./python_regex.ts";

const matches = (source: string, text: string, ignoreCase = false) =>
  pythonRegex(source, ignoreCase).regex.exec(text)?.slice(0) ?? null;

Deno.test("\\d matches decimal digits of every script, as in a Python str pattern", () => {
  assert.deepEqual(matches(String.raw`Android (\d+)`, "Android ١٠;"), ["Android ١٠", "١٠"]);
  assert.deepEqual(matches(String.raw`Firefox/(\d+)`, "Firefox/０７６"), [
    "Firefox/０７６",
    "０７６",
  ]);
  assert.deepEqual(matches(String.raw`[\d.]+`, "v٣.٥"), ["٣.٥"]);
  assert.equal(matches(String.raw`\d`, "²"), null); // a superscript is not a decimal digit
});

Deno.test("\\w and \\b treat letters and numbers of every script as word characters", () => {
  assert.deepEqual(matches(String.raw`(\w+)`, "été"), ["été", "été"]);
  assert.equal(matches(String.raw`\bS60\b`, "éS60"), null);
  assert.deepEqual(matches(String.raw`\bS60\b`, "(S60;"), ["S60"]);
  assert.deepEqual(matches(String.raw`\W`, "a-b"), ["-"]);
});

Deno.test("\\s is Python's whitespace: \\x1c-\\x1f and \\x85 are in, U+FEFF is out", () => {
  assert.deepEqual(matches(String.raw`a\sb`, "a\x1cb"), ["a\x1cb"]);
  assert.deepEqual(matches(String.raw`a[\s]b`, "a\x85b"), ["a\x85b"]);
  assert.equal(matches(String.raw`a\sb`, "a\ufeffb"), null);
  assert.deepEqual(matches(String.raw`a\Sb`, "a\ufeffb"), ["a\ufeffb"]);
});

Deno.test(". matches any character but a newline, astral characters as one", () => {
  assert.deepEqual(matches("^a.{2}$", "a😀b"), ["a😀b"]);
  assert.deepEqual(matches("a.b", "a\u2028b"), ["a\u2028b"]);
  assert.equal(matches("a.b", "a\nb"), null);
});

Deno.test("$ also matches before a newline that ends the string", () => {
  assert.deepEqual(matches("ESPN APP$", "ESPN APP\n"), ["ESPN APP"]);
  assert.equal(matches("ESPN APP$", "ESPN APP\nx"), null);
  assert.deepEqual(matches(String.raw`(\d+)\Z`, "v12"), ["12", "12"]);
});

Deno.test("escapes and braces Python accepts but the u flag refuses are rewritten", () => {
  assert.deepEqual(matches(String.raw`a\-b\ c\!`, "a-b c!"), ["a-b c!"]);
  assert.deepEqual(matches(String.raw`[\-\ _]+`, "- _"), ["- _"]);
  assert.deepEqual(matches("a{,2}b", "aab"), ["aab"]);
  assert.deepEqual(matches("x{y}", "x{y}"), ["x{y}"]);
  assert.deepEqual(matches("[]a]+", "a]a"), ["a]a"]);
  assert.deepEqual(matches(String.raw`\/\d`, "/1"), ["/1"]);
});

Deno.test("regex_flag i matches case-insensitively, with Unicode case folding", () => {
  assert.deepEqual(matches("(spider)", "SPIDER", true), ["SPIDER", "SPIDER"]);
  assert.deepEqual(matches("(spider)", "ſpider", true), ["ſpider", "ſpider"]);
  assert.equal(matches("(spider)", "SPIDER"), null);
});

Deno.test("syntax it does not translate is refused with the pattern named, not guessed", () => {
  assert.throws(
    () => pythonRegex("(?P<name>x)"),
    /Cannot translate the Python regex "\(\?P<name>x\)"/,
  );
  assert.throws(() => pythonRegex("(?i)x"), /a group kind other than/);
  assert.throws(() => pythonRegex(String.raw`\q`), /escape \\q/);
  assert.throws(() => pythonRegex("a++"), /possessive/);
  assert.throws(() => pythonRegex("(a"), /unclosed group/);
});

Deno.test("lastIndex is the highest group that took part when groups do not nest", () => {
  const p = pythonRegex(String.raw`(Chrome)/(\d+)(?:\.(\d+)|)(?:\.(\d+)|)`);
  const m = p.regex.exec("Chrome/81.0");
  assert.ok(m !== null);
  assert.equal(lastIndex(p, m), 3);
  assert.equal(p.nested, false);
});

Deno.test("lastIndex counts an enclosing group as closing after the groups inside it", () => {
  // uap-core's FxiOS rule: Python's lastindex is 6 here, so patch is group 4 (".4").
  const p = pythonRegex(String.raw`(FxiOS)/(\d+)\.(\d+)(\.(\d+)|)(\.(\d+)|)`);
  const m = p.regex.exec("FxiOS/7.0.4 Mobile");
  assert.ok(m !== null);
  assert.deepEqual([p.nested, p.parents, lastIndex(p, m)], [true, [0, 0, 0, 0, 0, 4, 0, 6], 6]);
  const nestedAtEnd = pythonRegex("((a)(b))");
  const n = nestedAtEnd.regex.exec("ab");
  assert.ok(n !== null);
  assert.equal(lastIndex(nestedAtEnd, n), 1);
});
