import assert from "node:assert/strict";
import { ConfigError, type Source } from "../../config/config.ts";
import { resolveCrawlerSettings } from "./crawler_settings.ts";
import { SHOP_HOSTS } from "./shop_hosts.ts";

const env = (values: Record<string, string>): Source => (key) => values[key];

Deno.test("defaults allow the shop's stores at a polite pace", () => {
  const settings = resolveCrawlerSettings([env({})]);
  assert.deepEqual(settings.allowedHosts, SHOP_HOSTS);
  assert.equal(settings.ratePerHost, 1);
  assert.equal(settings.concurrency, 8);
  assert.match(settings.userAgent, /^ClickstreamLakehouseBot\/1\.0/);
  assert.equal(Object.isFrozen(settings), true);
});

Deno.test("hosts with or without ports and a fractional rate are read", () => {
  const settings = resolveCrawlerSettings([
    env({ CRAWL_ALLOWED_HOSTS: "127.0.0.1:8080, www.glamira.de", CRAWL_RATE_PER_HOST: "0.5" }),
  ]);
  assert.deepEqual(settings.allowedHosts, ["127.0.0.1:8080", "www.glamira.de"]);
  assert.equal(settings.ratePerHost, 0.5);
});

Deno.test("bad values are named with their key and form in one error", () => {
  assert.throws(
    () =>
      resolveCrawlerSettings([
        env({ CRAWL_ALLOWED_HOSTS: "https://x.de/", CRAWL_MAX_TRIES: "0" }),
      ]),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /CRAWL_ALLOWED_HOSTS must be a comma-separated list of host or/);
      assert.match(error.message, /CRAWL_MAX_TRIES must be an integer from 1 to 10, got "0"/);
      return true;
    },
  );
});
