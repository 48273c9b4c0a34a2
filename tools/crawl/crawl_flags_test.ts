import assert from "node:assert/strict";
import { parseCrawlFlags } from "./crawl_flags.ts";

Deno.test("--limit is read in both forms, after the task separator", () => {
  assert.deepEqual(parseCrawlFlags(["--", "--limit", "50"]), { flags: { limit: 50 } });
  assert.deepEqual(parseCrawlFlags(["--limit=7"]), { flags: { limit: 7 } });
  assert.deepEqual(parseCrawlFlags([]), { flags: { limit: undefined } });
});

Deno.test("a bad limit or an unknown flag is an error naming it", () => {
  assert.deepEqual(parseCrawlFlags(["--limit", "0"]), {
    error: '--limit must be a positive integer, e.g. --limit 500, got "0"',
  });
  assert.match(JSON.stringify(parseCrawlFlags(["--limit"])), /got undefined/);
  assert.deepEqual(parseCrawlFlags(["--fast"]), { error: 'Unknown flag "--fast"' });
  assert.deepEqual(parseCrawlFlags(["-h"]), { help: true });
});
