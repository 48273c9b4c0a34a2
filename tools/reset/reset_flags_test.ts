import assert from "node:assert/strict";
import { parseResetFlags } from "./reset_flags.ts";

Deno.test("partitions are listed or 'all', the new epoch starts at offset 0 unless told", () => {
  assert.deepEqual(parseResetFlags(["--partition", "3", "--partition", "5"]), {
    topic: undefined,
    partitions: [3, 5],
    fromOffset: 0,
    reason: "log replaced",
  });
  assert.deepEqual(
    parseResetFlags(["--topic", "t", "--partition", "all", "--from-offset", "42", "--reason", "x"]),
    { topic: "t", partitions: "all", fromOffset: 42, reason: "x" },
  );
});

Deno.test("bad flags are named", () => {
  assert.deepEqual(parseResetFlags([]), { error: "--partition is required" });
  assert.deepEqual(parseResetFlags(["--partition", "x"]), {
    error: '--partition must be a number or "all", got "x"',
  });
  assert.deepEqual(parseResetFlags(["--partition"]), { error: "--partition needs a value" });
  assert.deepEqual(parseResetFlags(["--nope", "1"]), { error: "unknown flag --nope" });
});
