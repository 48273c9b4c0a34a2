/**
 * User-Agent string -> the `user_agent` dimension's fields: browser, OS, device (with the
 * user-agents Python library's conventions: device family "Other" for PCs, "Spider" for bots),
 * the mobile/tablet/touch/PC/bot flags, and `user_agent_id`, the MD5 hex of the string.
 */

import { createHash } from "node:crypto";
import { isbot } from "isbot";
// @ts-types="@types/ua-parser-js"
import UAParser from "ua-parser-js";

/** What one User-Agent string says about the client. */
export interface UserAgentInfo {
  /** MD5 hex of the UA string, the dimension's key. */
  readonly id: string;
  readonly browserFamily: string;
  readonly browserVersion: string | null;
  readonly osFamily: string;
  readonly osVersion: string | null;
  /** "iPhone", "Samsung SM-G991B", "Other" for PCs, "Spider" for bots. */
  readonly deviceFamily: string;
  readonly deviceBrand: string | null;
  readonly deviceModel: string | null;
  readonly isMobile: boolean;
  readonly isTablet: boolean;
  readonly isTouchCapable: boolean;
  readonly isPc: boolean;
  readonly isBot: boolean;
}

/** MD5 hex of a UA string (UTF-8), the `user_agent_id`. */
export function userAgentId(ua: string): string {
  return createHash("md5").update(ua, "utf8").digest("hex");
}

const TOUCH_OS = new Set([
  "iOS",
  "Android",
  "Windows Phone",
  "Windows Mobile",
  "BlackBerry",
  "Tizen",
  "KaiOS",
  "Firefox OS",
  "Sailfish",
  "HarmonyOS",
]);
const DESKTOP_OS = new Set([
  "Windows",
  "Mac OS",
  "macOS",
  "Linux",
  "Ubuntu",
  "Debian",
  "Fedora",
  "Mint",
  "Arch",
  "CentOS",
  "RedHat",
  "SUSE",
  "Gentoo",
  "Slackware",
  "Mandriva",
  "Mageia",
  "PCLinuxOS",
  "Chromium OS",
  "FreeBSD",
  "OpenBSD",
  "NetBSD",
  "Solaris",
  "Unix",
]);
const NOT_PC_TYPES = new Set(["mobile", "tablet", "console", "smarttv", "wearable", "embedded"]);
const APPLE_DEVICES = new Set(["iPhone", "iPad", "iPod"]);
// Windows tablets and touch laptops announce themselves ("Windows NT 10.0; ...; Touch").
const TOUCH_MARKER = /[;(]\s*Touch\s*[;)]/;
// "Mozilla/5.0 (compatible; Googlebot/2.1; +http://...)" -> Googlebot, 2.1.
const COMPATIBLE_NAME = /compatible;\s*([^;/()+]+?)\s*(?:\/\s*v?([\w.~-]+))?\s*[;)+]/;
// "curl/7.68.0", "WhatsApp/2.20.62 A", "Slackbot-LinkExpanding 1.0 (...)".
const LEADING_PRODUCT = /^([^\s/;()]+)(?:\/([^\s;()]+))?/;

const parser = new UAParser();

/** The family and version of a bot that the browser parser does not know, from its UA. */
function botName(ua: string): [string, string | null] | null {
  const compatible = COMPATIBLE_NAME.exec(ua);
  if (compatible?.[1] !== undefined && !compatible[1].startsWith("Mozilla")) {
    return [compatible[1], compatible[2] ?? null];
  }
  const leading = LEADING_PRODUCT.exec(ua);
  if (leading?.[1] !== undefined && leading[1] !== "Mozilla") {
    return [leading[1], leading[2] ?? null];
  }
  return null;
}

const orNull = (text: string | undefined): string | null =>
  text === undefined || text === "" ? null : text;

/** Parses one UA string (uncached; see `UserAgentCache`). */
export function parseUserAgent(ua: string): UserAgentInfo {
  parser.setUA(ua);
  const browser = parser.getBrowser();
  const os = parser.getOS();
  const device = parser.getDevice();
  const bot = isbot(ua);
  const type = device.type;
  const isMobile = type === "mobile";
  const isTablet = type === "tablet";
  const osFamily = orNull(os.name) ?? "Other";

  let browserFamily = orNull(browser.name);
  let browserVersion = orNull(browser.version);
  if (bot) {
    const name = botName(ua);
    if (name !== null) [browserFamily, browserVersion] = name;
  }

  let deviceFamily = "Other";
  let deviceBrand: string | null = null;
  let deviceModel: string | null = null;
  if (bot) {
    deviceFamily = "Spider";
  } else if (type !== undefined) {
    deviceBrand = orNull(device.vendor);
    deviceModel = orNull(device.model);
    if (deviceModel !== null && (deviceBrand === "Apple" || deviceBrand === null)) {
      deviceFamily = APPLE_DEVICES.has(deviceModel) || deviceBrand === null
        ? deviceModel
        : `Apple ${deviceModel}`;
    } else if (deviceModel !== null) {
      deviceFamily = `${deviceBrand} ${deviceModel}`;
    } else if (isMobile) {
      deviceFamily = "Generic Smartphone";
    } else if (isTablet) {
      deviceFamily = "Generic Tablet";
    }
  }

  return {
    id: userAgentId(ua),
    browserFamily: browserFamily ?? "Other",
    browserVersion,
    osFamily,
    osVersion: orNull(os.version),
    deviceFamily,
    deviceBrand,
    deviceModel,
    isMobile,
    isTablet,
    isTouchCapable: isMobile || isTablet || TOUCH_OS.has(osFamily) || TOUCH_MARKER.test(ua),
    isPc: !bot && (type === undefined || !NOT_PC_TYPES.has(type)) && DESKTOP_OS.has(osFamily),
    isBot: bot,
  };
}
