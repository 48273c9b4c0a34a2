import assert from "node:assert/strict";
import { Rng } from "./prng.ts";
import { BOT_SHARE, pickUserAgent, userAgentCatalog } from "./user_agents.ts";

const catalog = userAgentCatalog();

Deno.test("the catalog holds thousands of distinct UAs of every browser family", () => {
  assert.ok(catalog.length >= 3000, `${catalog.length} UAs`);
  assert.equal(new Set(catalog.map((e) => e.value)).size, catalog.length);
  const markers = [
    /Chrome\/\d+.*Safari\/537\.36$/,
    /Firefox\/\d+/,
    /Version\/[\d.]+ Safari\/605/,
    /Edg\//,
    /SamsungBrowser\//,
    /FBAN\/FBIOS/,
    /FB_IAB\/FB4A/,
    /GSA\//,
    /Instagram /,
    /CriOS\//,
    /iPad;/,
    /Windows NT/,
    /Macintosh/,
    /Android 10; SM-G973F/,
    /Googlebot/,
    /bingbot/,
    /AhrefsBot/,
    /facebookexternalhit/,
    /^curl\//,
    /^python-requests\//,
  ];
  for (const marker of markers) {
    assert.ok(catalog.some((e) => marker.test(e.value)), `no UA matches ${marker}`);
  }
});

Deno.test("popularity is skewed: a few UAs carry much of the traffic, a long tail the rest", () => {
  const total = catalog.reduce((sum, e) => sum + e.weight, 0);
  assert.ok(Math.abs(total - 1) < 1e-9);
  const top = catalog.slice(0, Math.ceil(catalog.length * 0.02)).reduce((s, e) => s + e.weight, 0);
  assert.ok(top > 0.4, `top 2% carry ${top}`);
  assert.ok((catalog.at(-1)?.weight ?? 1) < 1e-5);
});

Deno.test("a few percent of drawn UAs are bots", () => {
  const rng = new Rng(99);
  let bots = 0;
  const n = 50_000;
  for (let i = 0; i < n; i++) if (pickUserAgent(rng).kind === "bot") bots++;
  assert.ok(Math.abs(bots / n - BOT_SHARE) < 0.005, `bot share ${bots / n}`);
});
