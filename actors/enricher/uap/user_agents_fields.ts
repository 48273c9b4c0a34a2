/**
 * The twelve user-agent fields the original job stored, by the rules of the Python
 * `user-agents` package (2.2.0) over a uap-core parse: version strings of at most three parts
 * ("" when absent, numeric parts without leading zeros), and its is_mobile, is_tablet,
 * is_touch_capable, is_pc and is_bot rules, which look at family names and at substrings of the
 * raw string. Reimplemented from the package's documented rules, not translated line by line.
 */

import type { UapParse } from "./uap_parser.ts";

/** The original's user-agent fields. */
export interface UserAgentsFields {
  readonly browserFamily: string;
  /** "81.0.4044", "" when the UA has no version. */
  readonly browserVersion: string;
  readonly osFamily: string;
  readonly osVersion: string;
  /** "iPhone", "Samsung SM-G991B", "Mac", "Other", "Spider" for crawlers. */
  readonly deviceFamily: string;
  readonly deviceBrand: string | null;
  readonly deviceModel: string | null;
  readonly isMobile: boolean;
  readonly isTablet: boolean;
  readonly isTouchCapable: boolean;
  readonly isPc: boolean;
  readonly isBot: boolean;
}

const MOBILE_DEVICE_FAMILIES = new Set([
  "iPhone",
  "iPod",
  "Generic Smartphone",
  "Generic Feature Phone",
  "PlayStation Vita",
  "iOS-Device",
]);
const PC_OS_FAMILIES = new Set(["Windows 95", "Windows 98", "Solaris"]);
const MOBILE_OS_FAMILIES = new Set([
  "Windows Phone",
  "Windows Phone OS",
  "Symbian OS",
  "Bada",
  "Windows CE",
  "Windows Mobile",
  "Maemo",
]);
const MOBILE_BROWSER_FAMILIES = new Set([
  "IE Mobile",
  "Opera Mobile",
  "Opera Mini",
  "Chrome Mobile",
  "Chrome Mobile WebView",
  "Chrome Mobile iOS",
]);
const TABLET_DEVICE_FAMILIES = new Set([
  "iPad",
  "BlackBerry Playbook",
  "Blackberry Playbook",
  "Kindle",
  "Kindle Fire",
  "Kindle Fire HD",
  "Galaxy Tab",
  "Xoom",
  "Dell Streak",
]);
const TOUCH_CAPABLE_OS_FAMILIES = new Set([
  "iOS",
  "Android",
  "Windows Phone",
  "Windows CE",
  "Windows Mobile",
  "Firefox OS",
  "MeeGo",
]);
const TOUCH_CAPABLE_DEVICE_FAMILIES = new Set([
  "BlackBerry Playbook",
  "Blackberry Playbook",
  "Kindle Fire",
]);

/** Start of the run of decimal digits that `cp` belongs to (runs are whole 0-9 blocks). */
function digitRunStart(cp: number): number {
  let start = cp;
  while (start > 0 && /\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
  return start;
}

/**
 * One version part as Python's `str(int(part))` when `part.isdigit()`: decimal digits of any
 * script become their ASCII value without leading zeros; anything else stays as it is.
 */
export function versionPart(part: string): string {
  if (/^[0-9]+$/.test(part)) return part.length > 1 ? part.replace(/^0+(?=.)/, "") : part;
  if (!/^\p{Nd}+$/u.test(part)) return part;
  let ascii = "";
  for (const ch of part) {
    const cp = ch.codePointAt(0) ?? 0;
    ascii += String((cp - digitRunStart(cp)) % 10);
  }
  return versionPart(ascii);
}

/** `version_string`: the first three present parts joined by ".", "" when none. */
export function versionString(
  major: string | null,
  minor: string | null,
  patch: string | null,
): string {
  let text = "";
  let first = true;
  for (const part of [major, minor, patch]) {
    if (part === null) continue;
    text += first ? versionPart(part) : `.${versionPart(part)}`;
    first = false;
  }
  return text;
}

/** The fields the original stored for `ua`, given its uap-core parse. */
export function userAgentsFields(ua: string, parsed: UapParse): UserAgentsFields {
  const browser = parsed.browser.family;
  const os = parsed.os.family;
  const device = parsed.device.family;
  const osVersion = versionString(parsed.os.major, parsed.os.minor, parsed.os.patch);

  // Newer Android tablets leave "Mobile" out; older ones such as the Galaxy Tab keep it.
  const androidTablet = !ua.includes("Mobile Safari") && browser !== "Firefox Mobile";
  const isTablet = TABLET_DEVICE_FAMILIES.has(device) ||
    (os === "Android" && androidTablet) ||
    (os === "Windows" && osVersion.startsWith("RT")) ||
    (os === "Firefox OS" && !browser.includes("Mobile"));

  const isMobile = MOBILE_DEVICE_FAMILIES.has(device) ||
    MOBILE_BROWSER_FAMILIES.has(browser) ||
    ((os === "Android" || os === "Firefox OS") && !isTablet) ||
    (os === "BlackBerry OS" && device !== "Blackberry Playbook") ||
    MOBILE_OS_FAMILIES.has(os) ||
    ua.includes("J2ME") || ua.includes("MIDP") ||
    ua.includes("iPhone;") ||
    ua.includes("Googlebot-Mobile") ||
    (device === "Spider" && browser.includes("Mobile")) ||
    (ua.includes("NokiaBrowser") && ua.includes("Mobile"));

  const isTouchCapable = TOUCH_CAPABLE_OS_FAMILIES.has(os) ||
    TOUCH_CAPABLE_DEVICE_FAMILIES.has(device) ||
    (os === "Windows" &&
      (osVersion.startsWith("RT") || osVersion.startsWith("CE") ||
        (osVersion.startsWith("8") && ua.includes("Touch")))) ||
    (os.includes("BlackBerry") &&
      (device.includes("Blackberry 99") || device.includes("Blackberry 95")));

  let isPc: boolean;
  if (
    ua.includes("Windows NT") || PC_OS_FAMILIES.has(os) || (os === "Windows" && osVersion === "ME")
  ) isPc = true;
  else if (os === "Mac OS X" && !ua.includes("Silk")) isPc = true;
  // Maemo's UA says Linux and X11 but it is a phone.
  else if (ua.includes("Maemo")) isPc = false;
  else isPc = os.includes("Chrome OS") || (ua.includes("Linux") && ua.includes("X11"));

  return {
    browserFamily: browser,
    browserVersion: versionString(
      parsed.browser.major,
      parsed.browser.minor,
      parsed.browser.patch,
    ),
    osFamily: os,
    osVersion,
    deviceFamily: device,
    deviceBrand: parsed.device.brand,
    deviceModel: parsed.device.model,
    isMobile,
    isTablet,
    isTouchCapable,
    isPc,
    isBot: device === "Spider",
  };
}
