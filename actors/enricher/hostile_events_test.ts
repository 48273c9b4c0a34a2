import assert from "node:assert/strict";
import { enrichBatch } from "./enrich_batch.ts";
import { MAX_EXTRA_CHARS } from "./extra_fields.ts";
import { bigCart, manyExtras, problemCart } from "./hostile_events.ts";
import { MAX_PROBLEM_CHARS, MAX_PROBLEMS } from "./problem_list.ts";
import { messageOf, rowAt } from "./testing.ts";
import { UserAgentCache } from "./user_agent_cache.ts";

const enrichOne = (event: Record<string, unknown>) =>
  rowAt(enrichBatch([messageOf(event)], { userAgents: new UserAgentCache(10) }).rows, 0);

Deno.test("a cart of 50,000 product ids keeps each id once, in order, in linear time", () => {
  const started = performance.now();
  const row = enrichOne(bigCart(50_000, 2));
  const ms = performance.now() - started;
  const ids = row.catalog_product_ids as string[];
  assert.equal(ids.length, 50_000);
  assert.equal(new Set(ids).size, 50_000);
  assert.deepEqual([ids[0], ids.at(-1)], ["100000", "149999"]);
  // Generous: 27 ms in bench -- hostile, ~350 ms under the full suite; quadratic took 4.2 s.
  assert.ok(ms < 2_000, `${ms} ms`);
});

Deno.test("a 1.7 MB message of bad cart lines keeps 50 problems and says how many more it cut", () => {
  const row = enrichOne(problemCart());
  const problems = row.field_problems as string[];
  assert.equal(problems.length, MAX_PROBLEMS + 1);
  assert.ok(problems.slice(0, -1).join("").length <= MAX_PROBLEM_CHARS);
  assert.equal(problems[0], "cart_products[0]: expected object, got 0; kept in extra");
  assert.equal(
    problems.at(-1),
    // 850,000 lines, each a problem and kept in extra until its cap, and the cap's own problem.
    `field_problems: 849951 more problems left out (at most ${MAX_PROBLEMS} problems or ` +
      `${MAX_PROBLEM_CHARS} characters are kept per event)`,
  );
});

Deno.test("undeclared fields past 16 KiB of JSON are left out of extra with one problem naming them", () => {
  const row = enrichOne(manyExtras(10_000, 20));
  const extra = JSON.parse(row.extra as string) as Record<string, string>;
  assert.ok((row.extra as string).length <= MAX_EXTRA_CHARS);
  assert.equal(extra.x_0, "v".repeat(20));
  const kept = Object.keys(extra).length;
  assert.ok(kept > 500 && kept < 10_000, `${kept} fields kept`);
  const [problem, ...others] = row.field_problems as string[];
  assert.deepEqual(others, []);
  const cut = 10_000 - kept;
  assert.match(
    problem ?? "",
    new RegExp(
      `^extra: ${cut} undeclared fields \\(\\d+ characters of JSON\\) left out to keep extra ` +
        `within ${MAX_EXTRA_CHARS} characters: "x_${kept}", "x_${kept + 1}", .* and ${
          cut - 5
        } more$`,
    ),
  );
  const huge = enrichOne({ ...manyExtras(1, 10), blob: "b".repeat(1_000_000), after: 1 });
  assert.deepEqual(JSON.parse(huge.extra as string), { x_0: "v".repeat(10), after: 1 });
  assert.match(
    (huge.field_problems as string[])[0] ?? "",
    /^extra: 1 undeclared fields \(1000009 characters/,
  );
});
