import assert from "node:assert/strict";
import { MAX_PROBLEM_CHARS, ProblemList } from "./problem_list.ts";

Deno.test("problems within the caps are kept as they came, with no closing note", () => {
  const problems = new ProblemList();
  problems.push("ip: not an IP address");
  problems.push("order_id: expected integer");
  assert.equal(problems.length, 2);
  assert.deepEqual(problems.list(), ["ip: not an IP address", "order_id: expected integer"]);
});

Deno.test("past the character cap later problems are counted, not kept, even short ones", () => {
  const problems = new ProblemList();
  problems.push("a".repeat(MAX_PROBLEM_CHARS - 10));
  problems.push("b".repeat(20));
  problems.push("c");
  assert.equal(problems.length, 3);
  const list = problems.list();
  assert.deepEqual(list.slice(0, 1), ["a".repeat(MAX_PROBLEM_CHARS - 10)]);
  assert.match(list[1] ?? "", /^field_problems: 2 more problems left out/);
});
