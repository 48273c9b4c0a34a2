import assert from "node:assert/strict";
import { AllowList } from "./allow_list.ts";

const list = new AllowList(["www.glamira.de", "127.0.0.1:8080", "WWW.Glamira.FR"]);

Deno.test("http and https URLs to a listed host pass", () => {
  assert.equal(list.check("https://www.glamira.de/ring.html?alloy=x")?.pathname, "/ring.html");
  assert.ok(list.check("http://www.glamira.de/"));
  assert.ok(list.check("https://www.glamira.fr/bague.html"), "hosts match case-insensitively");
  assert.ok(list.check("http://127.0.0.1:8080/p.html"));
});

Deno.test("a bare host allows only the default port; host:port only that port", () => {
  assert.equal(list.check("https://www.glamira.de:8443/"), undefined);
  assert.equal(list.check("http://127.0.0.1:8081/"), undefined);
  assert.equal(list.check("http://127.0.0.1/"), undefined);
});

Deno.test("other schemes, other hosts, credentials and garbage are refused", () => {
  for (
    const url of [
      "ftp://www.glamira.de/x",
      "file:///etc/passwd",
      "javascript:alert(1)",
      "https://www.glamira.de.evil.com/",
      "https://staging.glamira.de/",
      "https://user:pw@www.glamira.de/",
      "not a url",
      "",
    ]
  ) assert.equal(list.check(url), undefined, url);
});

Deno.test("an entry with a scheme or path is refused with how to write it", () => {
  assert.throws(() => new AllowList(["https://www.glamira.de"]), /host or host:port/);
});
