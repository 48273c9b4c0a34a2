import assert from "node:assert/strict";
import { productToken, RobotsRules } from "./robots_rules.ts";

const UA = "GlamiraNameBot/1.0 (+https://example.org/bot)";
const at = (path: string) => new URL(`https://www.glamira.de${path}`);

Deno.test("the group naming our product token wins over the * group", () => {
  const rules = RobotsRules.parse(
    "User-agent: *\nDisallow: /\n\nUser-agent: glamiranamebot\nDisallow: /checkout/\n",
    UA,
  );
  assert.equal(rules.allows(at("/ring-aurora.html")), true);
  assert.equal(rules.allows(at("/checkout/cart")), false);
});

Deno.test("without a group of our own the * group applies", () => {
  const rules = RobotsRules.parse(
    "User-agent: OtherBot\nDisallow: /\nUser-agent: *\nDisallow: /private/",
    UA,
  );
  assert.equal(rules.allows(at("/private/x.html")), false);
  assert.equal(rules.allows(at("/public/x.html")), true);
});

Deno.test("the longest pattern wins and Allow wins a tie", () => {
  const rules = RobotsRules.parse(
    "User-agent: *\nDisallow: /catalog/\nAllow: /catalog/product/\nDisallow: /a\nAllow: /a\n",
    UA,
  );
  assert.equal(rules.allows(at("/catalog/category/5")), false);
  assert.equal(rules.allows(at("/catalog/product/view/id/7")), true);
  assert.equal(rules.allows(at("/a")), true);
});

Deno.test("wildcards and the end anchor match path and query", () => {
  const rules = RobotsRules.parse("User-agent: *\nDisallow: /*?sort=\nDisallow: /*.pdf$\n", UA);
  assert.equal(rules.allows(at("/rings.html?sort=price")), false);
  assert.equal(rules.allows(at("/manual.pdf")), false);
  assert.equal(rules.allows(at("/manual.pdf.html")), true);
});

Deno.test("garbage, comments and an empty Disallow allow everything", () => {
  const rules = RobotsRules.parse("<html>\u0000nonsense\nUser-agent: * # all\nDisallow:\n", UA);
  assert.equal(rules.allows(at("/anything")), true);
  assert.equal(RobotsRules.disallowAll().allows(at("/x")), false);
  assert.equal(RobotsRules.disallowAll().allows(at("/robots.txt")), true);
});

Deno.test("the product token is the User-Agent's first word, lower-cased", () => {
  assert.equal(productToken(UA), "glamiranamebot");
});
