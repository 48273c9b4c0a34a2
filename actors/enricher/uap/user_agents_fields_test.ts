import assert from "node:assert/strict";
import { uapParse } from "./uap_parser.ts";
import { userAgentsFields, versionPart, versionString } from "./user_agents_fields.ts";

Deno.test("a version string keeps at most three parts and is empty without any", () => {
  assert.equal(versionString("81", "0", "4044"), "81.0.4044");
  assert.equal(versionString("13", null, null), "13");
  assert.equal(versionString(null, null, null), "");
});

Deno.test("numeric parts lose leading zeros, as Python's int() does; others stay as they are", () => {
  assert.deepEqual(["08", "0", "000", "10", "0b3", ".4", ""].map(versionPart), [
    "8",
    "0",
    "0",
    "10",
    "0b3",
    ".4",
    "",
  ]);
  assert.equal(versionString("10", "", null), "10.");
});

Deno.test("decimal digits of other scripts become ASCII numbers, as Python's int() reads them", () => {
  assert.deepEqual(["١٠", "０７６", "৪", "𝟘𝟙"].map(versionPart), ["10", "76", "4", "1"]);
  assert.equal(versionPart("²"), "²"); // not a decimal digit: kept
});

type Flags = [boolean, boolean, boolean, boolean, boolean];

function fields(ua: string) {
  const f = userAgentsFields(ua, uapParse(ua));
  const flags: Flags = [f.isMobile, f.isTablet, f.isTouchCapable, f.isPc, f.isBot];
  return { f, flags };
}

// Expected values: Python user_agents.parse 2.2.0 with ua-parser 0.18.0, same strings.
Deno.test("a Kindle is a touch-capable tablet by its device family", () => {
  const { f, flags } = fields(
    "Mozilla/5.0 (Linux; U; Android 4.0.3; en-us; KFTT Build/IML74K) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Safari/534.30 Silk/3.68 like Chrome/39.0.2171.93 Safari/537.36",
  );
  assert.deepEqual([f.browserFamily, f.deviceFamily, f.deviceModel], [
    "Amazon Silk",
    "Kindle Fire HD",
    'Kindle Fire HD 7"',
  ]);
  assert.deepEqual(flags, [false, true, true, false, false]);
});

Deno.test("Windows RT is a touch-capable tablet and a PC at once", () => {
  const { f, flags } = fields("Mozilla/5.0 (Windows NT 6.2; ARM; Trident/6.0; Touch)");
  assert.deepEqual([f.osFamily, f.osVersion, f.deviceFamily], [
    "Windows",
    "RT",
    "Microsoft Surface RT",
  ]);
  assert.deepEqual(flags, [false, true, true, true, false]);
});

Deno.test("a BlackBerry 9900 is mobile but not touch-capable: the rule spells it 'Blackberry 99'", () => {
  const { flags } = fields(
    "Mozilla/5.0 (BlackBerry; U; BlackBerry 9900; en) AppleWebKit/534.11+ (KHTML, like Gecko) Version/7.1.0.346 Mobile Safari/534.11+",
  );
  assert.deepEqual(flags, [true, false, false, false, false]);
});

Deno.test("Maemo says Linux and X11 but is a phone, not a PC", () => {
  const { f, flags } = fields(
    "Mozilla/5.0 (X11; U; Linux armv7l; en-GB; rv:1.9.2.3pre) Gecko/20100723 Firefox/3.5 Maemo Browser 1.7.4.8 RX-51 N900",
  );
  assert.deepEqual([f.browserFamily, f.browserVersion, f.osFamily], [
    "Maemo Browser",
    "1.7.4",
    "Maemo",
  ]);
  assert.deepEqual(flags, [true, false, false, false, false]);
});

Deno.test("Googlebot for smartphones is a mobile bot", () => {
  const { f, flags } = fields(
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/83.0.4103.118 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  );
  assert.deepEqual([f.browserFamily, f.deviceFamily, f.deviceModel], [
    "Googlebot",
    "Spider",
    "Smartphone",
  ]);
  assert.deepEqual(flags, [true, false, true, false, true]);
});

Deno.test("a MIDP phone is mobile by its UA string alone", () => {
  const { f, flags } = fields(
    "NokiaN97/21.1.107 (SymbianOS/9.4; Series60/5.0 Mozilla/5.0; Profile/MIDP-2.1 Configuration/CLDC-1.1) AppleWebKit/525 (KHTML, like Gecko) BrowserNG/7.1.4",
  );
  assert.deepEqual([f.browserFamily, f.browserVersion, f.osFamily, f.deviceFamily], [
    "Nokia Services (WAP) Browser",
    "",
    "Symbian OS",
    "Nokia N97",
  ]);
  assert.deepEqual(flags, [true, false, false, false, false]);
});

Deno.test("Firefox's quirky FxiOS rule keeps Python's version with a doubled dot", () => {
  assert.equal(fields("FxiOS/7.0.4 Mobile").f.browserVersion, "7.0..4");
});
