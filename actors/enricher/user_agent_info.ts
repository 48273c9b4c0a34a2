/**
 * User-Agent string -> the `user_agent` dimension's fields. The twelve fields the original job
 * stored (browser, OS and device names, versions and the five flags) are the Python
 * `user-agents` 2.2.0 package's values: uap-core names (`uap/`), that package's rules. Three more
 * come from ua-parser-js and isbot, in columns of their own, for what the original lacks: the
 * rendering engine, the CPU architecture and a stricter bot verdict. `user_agent_id` is the MD5
 * hex of the string.
 */

import { createHash } from "node:crypto";
import { isbot } from "isbot";
// @ts-types="@types/ua-parser-js"
import UAParser from "ua-parser-js";
import { uapParse } from "./uap/uap_parser.ts";
import { type UserAgentsFields, userAgentsFields } from "./uap/user_agents_fields.ts";

/** What one User-Agent string says about the client. */
export interface UserAgentInfo extends UserAgentsFields {
  /** MD5 hex of the UA string, the dimension's key. */
  readonly id: string;
  /** Rendering engine by ua-parser-js ("Blink", "WebKit", "Gecko", ...); null when unknown. */
  readonly engine: string | null;
  /** CPU architecture the UA names, by ua-parser-js ("amd64", "arm64", ...); null when none. */
  readonly cpuArchitecture: string | null;
  /**
   * isbot's verdict: crawlers, but also HTTP libraries, scripts and headless browsers
   * (curl, python-requests, HeadlessChrome), which the original's `is_bot` counts as humans.
   */
  readonly isBotStrict: boolean;
}

/** MD5 hex of a UA string (UTF-8), the `user_agent_id`. */
export function userAgentId(ua: string): string {
  return createHash("md5").update(ua, "utf8").digest("hex");
}

const parser = new UAParser();

const orNull = (text: string | undefined): string | null =>
  text === undefined || text === "" ? null : text;

/** Parses one UA string (uncached; see `UserAgentCache`). */
export function parseUserAgent(ua: string): UserAgentInfo {
  parser.setUA(ua);
  return {
    id: userAgentId(ua),
    ...userAgentsFields(ua, uapParse(ua)),
    engine: orNull(parser.getEngine().name),
    cpuArchitecture: orNull(parser.getCPU().architecture),
    isBotStrict: isbot(ua),
  };
}
