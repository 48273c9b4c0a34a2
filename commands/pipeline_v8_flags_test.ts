import assert from "node:assert/strict";
import { PIPELINE_V8_FLAGS, v8FlagsArgument } from "./pipeline_v8_flags.ts";

Deno.test("the pipeline's V8 flags are ones this Deno's V8 knows and takes", async () => {
  // V8 names a flag it does not know on stderr and goes on without it: that must not happen.
  const { code, stderr, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", v8FlagsArgument(), "console.log(Deno.memoryUsage().heapTotal > 0)"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(new TextDecoder().decode(stderr), "");
  assert.equal(code, 0);
  assert.equal(new TextDecoder().decode(stdout).trim(), "true");
});

Deno.test("the flags argument names every flag once, comma-separated", () => {
  assert.equal(v8FlagsArgument(), `--v8-flags=${PIPELINE_V8_FLAGS.join(",")}`);
  assert.equal(new Set(PIPELINE_V8_FLAGS).size, PIPELINE_V8_FLAGS.length);
});
