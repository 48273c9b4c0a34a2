/**
 * What decides the parse of a User-Agent string (`user_agent_info.ts`): the three npm packages it
 * runs (uap-core's rules, ua-parser-js, isbot, at the versions deno.json pins) and a revision of
 * our own parsing code. A DuckDB warehouse stores the version its `user_agents` dimension was
 * parsed with and parses the dimension again at open when it differs
 * (`actors/writer/duckdb/user_agent_reparse.ts`). `user_agent_parser_version_test.ts` fails when
 * a pin here is not deno.json's.
 *
 * Bump `parsing@N` whenever a change to `user_agent_info.ts`, `uap/` or the fields' rules can give
 * another value for some string; a refactor that cannot does not need it.
 */

/** The parser version: `<package>@<version>` for each npm pin, then `parsing@<revision>`. */
export const USER_AGENT_PARSER_VERSION =
  "uap-core@0.18.0 ua-parser-js@1.0.41 isbot@5.2.3 parsing@1";

/** The npm packages the version names, as deno.json imports them. */
export const USER_AGENT_PARSER_PACKAGES = ["uap-core", "ua-parser-js", "isbot"] as const;

/** The `name -> version` pairs `version` names (the npm pins and `parsing`). */
export function parserVersionParts(version: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const part of version.split(" ")) {
    const at = part.lastIndexOf("@");
    if (at <= 0) throw new RangeError(`Cannot read parser version part "${part}" of "${version}"`);
    parts.set(part.slice(0, at), part.slice(at + 1));
  }
  return parts;
}
