import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import {
  parserVersionParts,
  USER_AGENT_PARSER_PACKAGES,
  USER_AGENT_PARSER_VERSION,
} from "./user_agent_parser_version.ts";

/** The version deno.json pins `name` at (`npm:name@v` or `npm:/name@v/`). */
function pinned(name: string): string | undefined {
  const imports: Record<string, string> = denoJson.imports;
  for (const specifier of Object.values(imports)) {
    const match = /^npm:\/?(.+)@([^@/]+)\/?$/.exec(specifier);
    if (match?.[1] === name) return match[2];
  }
  return undefined;
}

Deno.test("USER_AGENT_PARSER_VERSION names the uap-core, ua-parser-js and isbot pins deno.json imports, and a parsing revision", () => {
  const parts = parserVersionParts(USER_AGENT_PARSER_VERSION);
  for (const name of USER_AGENT_PARSER_PACKAGES) {
    const inDenoJson = pinned(name);
    assert.ok(inDenoJson !== undefined, `deno.json imports no npm ${name}`);
    assert.equal(
      parts.get(name),
      inDenoJson,
      `deno.json imports ${name}@${inDenoJson} but USER_AGENT_PARSER_VERSION ` +
        `(actors/enricher/user_agent_parser_version.ts) names ${name}@${parts.get(name)}: ` +
        `set it to ${name}@${inDenoJson} there, so that DuckDB warehouses parse their ` +
        `user_agents dimension again at their next open (docs/OPERATIONS.md "User-agent fields")`,
    );
  }
  assert.match(parts.get("parsing") ?? "", /^[1-9][0-9]*$/, "parsing@<revision> is missing");
  assert.equal(parts.size, USER_AGENT_PARSER_PACKAGES.length + 1, USER_AGENT_PARSER_VERSION);
});
