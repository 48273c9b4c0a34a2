import assert from "node:assert/strict";
import { parseUserAgent, userAgentId } from "./user_agent_info.ts";
import { UserAgentCache } from "./user_agent_cache.ts";

/**
 * The original's twelve fields as an array, in its column order: browser family and version,
 * OS family and version, device family, brand and model, mobile, tablet, touch, PC, bot.
 */
type Original = [
  string,
  string,
  string,
  string,
  string,
  string | null,
  string | null,
  boolean,
  boolean,
  boolean,
  boolean,
  boolean,
];

function original(ua: string): Original {
  const i = parseUserAgent(ua);
  return [
    i.browserFamily,
    i.browserVersion,
    i.osFamily,
    i.osVersion,
    i.deviceFamily,
    i.deviceBrand,
    i.deviceModel,
    i.isMobile,
    i.isTablet,
    i.isTouchCapable,
    i.isPc,
    i.isBot,
  ];
}

// Expected values are what Python `user_agents.parse` 2.2.0 (ua-parser 0.18.0) returns for the
// same strings; the parity test (uap/python_parity_test.ts) checks thousands more live.
const WELL_KNOWN: readonly (readonly [string, string, Original])[] = [
  [
    "desktop Chrome on Windows",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.138 Safari/537.36",
    ["Chrome", "81.0.4044", "Windows", "10", "Other", null, null, false, false, false, true, false],
  ],
  [
    "Firefox on Linux",
    "Mozilla/5.0 (X11; Linux x86_64; rv:76.0) Gecko/20100101 Firefox/76.0",
    ["Firefox", "76.0", "Linux", "", "Other", null, null, false, false, false, true, false],
  ],
  [
    "iPhone Safari",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 13_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1 Mobile/15E148 Safari/604.1",
    [
      "Mobile Safari",
      "13.1",
      "iOS",
      "13.4.1",
      "iPhone",
      "Apple",
      "iPhone",
      true,
      false,
      true,
      false,
      false,
    ],
  ],
  [
    "Android Chrome on a Samsung phone",
    "Mozilla/5.0 (Linux; Android 11; SM-G991B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/90.0.4430.210 Mobile Safari/537.36",
    [
      "Chrome Mobile",
      "90.0.4430",
      "Android",
      "11",
      "Samsung SM-G991B",
      "Samsung",
      "SM-G991B",
      true,
      false,
      true,
      false,
      false,
    ],
  ],
  [
    "iPad Safari",
    "Mozilla/5.0 (iPad; CPU OS 13_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1 Mobile/15E148 Safari/604.1",
    [
      "Mobile Safari",
      "13.1",
      "iOS",
      "13.4.1",
      "iPad",
      "Apple",
      "iPad",
      false,
      true,
      true,
      false,
      false,
    ],
  ],
  [
    "Googlebot",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    [
      "Googlebot",
      "2.1",
      "Other",
      "",
      "Spider",
      "Spider",
      "Desktop",
      false,
      false,
      false,
      false,
      true,
    ],
  ],
  [
    "Safari on a Mac",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1 Safari/605.1.15",
    [
      "Safari",
      "13.1",
      "Mac OS X",
      "10.15.4",
      "Mac",
      "Apple",
      "Mac",
      false,
      false,
      false,
      true,
      false,
    ],
  ],
  [
    "Chrome on a Chromebook",
    "Mozilla/5.0 (X11; CrOS x86_64 13020.87.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/83.0.4103.119 Safari/537.36",
    [
      "Chrome",
      "83.0.4103",
      "Chrome OS",
      "13020.87.0",
      "Other",
      null,
      null,
      false,
      false,
      false,
      true,
      false,
    ],
  ],
  [
    "the Google app on an iPhone",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 13_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/119.0.318644542 Mobile/15E148 Safari/604.1",
    [
      "Google",
      "119.0.318644542",
      "iOS",
      "13.5",
      "iPhone",
      "Apple",
      "iPhone",
      true,
      false,
      true,
      false,
      false,
    ],
  ],
  [
    "Chrome on an iPhone",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 13_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/83.0.4103.88 Mobile/15E148 Safari/604.1",
    [
      "Chrome Mobile iOS",
      "83.0.4103",
      "iOS",
      "13.5",
      "iPhone",
      "Apple",
      "iPhone",
      true,
      false,
      true,
      false,
      false,
    ],
  ],
  [
    "Chrome on a Pixel",
    "Mozilla/5.0 (Linux; Android 10; Pixel 3) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/83.0.4103.106 Mobile Safari/537.36",
    [
      "Chrome Mobile",
      "83.0.4103",
      "Android",
      "10",
      "Pixel 3",
      "Google",
      "Pixel 3",
      true,
      false,
      true,
      false,
      false,
    ],
  ],
];

for (const [client, ua, expected] of WELL_KNOWN) {
  Deno.test(`a User-Agent of ${client} gets the original's browser, OS, device and flags`, () => {
    assert.deepEqual(original(ua), expected);
  });
}

Deno.test("curl, python-requests and HeadlessChrome are not bots to the original, but strict bots", () => {
  const agents = [
    "curl/7.68.0",
    "python-requests/2.23.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/83.0.4103.61 Safari/537.36",
  ];
  assert.deepEqual(
    agents.map((ua) => [parseUserAgent(ua).browserFamily, parseUserAgent(ua).isBot]),
    [["curl", false], ["Python Requests", false], ["HeadlessChrome", false]],
  );
  assert.deepEqual(agents.map((ua) => parseUserAgent(ua).isBotStrict), [true, true, true]);
});

Deno.test("engine and CPU architecture come from ua-parser-js, in fields of their own", () => {
  const chrome = parseUserAgent(
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.138 Safari/537.36",
  );
  assert.deepEqual([chrome.engine, chrome.cpuArchitecture], ["Blink", "amd64"]);
  const firefox = parseUserAgent(
    "Mozilla/5.0 (X11; Linux x86_64; rv:76.0) Gecko/20100101 Firefox/76.0",
  );
  assert.deepEqual([firefox.engine, firefox.cpuArchitecture], ["Gecko", "amd64"]);
  const curl = parseUserAgent("curl/7.68.0");
  assert.deepEqual([curl.engine, curl.cpuArchitecture, curl.isBotStrict], [null, null, true]);
});

Deno.test("user_agent_id is the MD5 hex of the UA string in UTF-8", () => {
  assert.equal(userAgentId(""), "d41d8cd98f00b204e9800998ecf8427e");
  assert.equal(userAgentId("curl/7.68.0"), "fd4a0a8696c9f02d5c00ddd6c92d5485");
  assert.equal(userAgentId("Weißgold 💍"), "33c01f470cbbbf11a040b94d1153abf4");
  assert.equal(parseUserAgent("curl/7.68.0").id, "fd4a0a8696c9f02d5c00ddd6c92d5485");
});

Deno.test("an Android tablet without 'Mobile Safari' is a touch-capable tablet, not a phone or a PC", () => {
  assert.deepEqual(
    original(
      "Mozilla/5.0 (Linux; Android 9; SM-T510) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.138 Safari/537.36",
    ),
    [
      "Chrome",
      "81.0.4044",
      "Android",
      "9",
      "SM-T510",
      "Generic_Android_Tablet",
      "SM-T510",
      false,
      true,
      true,
      false,
      false,
    ],
  );
});

Deno.test("a Windows 10 touch laptop is a PC but not touch-capable, as the original says", () => {
  const info = parseUserAgent(
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; Touch) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/83.0.4103.116 Safari/537.36",
  );
  assert.deepEqual([info.isPc, info.isTouchCapable], [true, false]);
});

Deno.test("the Facebook in-app browser on an iPhone is a human on a phone", () => {
  assert.deepEqual(
    original(
      "Mozilla/5.0 (iPhone; CPU iPhone OS 13_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBDV/iPhone11,8;FBMD/iPhone;FBSN/iOS;FBSV/13.4;FBSS/2;FBID/phone;FBLC/de_DE;FBOP/5]",
    ),
    [
      "Facebook",
      "",
      "iOS",
      "13.4",
      "iPhone",
      "Apple",
      "iPhone11,8",
      true,
      false,
      true,
      false,
      false,
    ],
  );
});

Deno.test("a link-preview crawler gets its uap-core name and is a bot", () => {
  const info = parseUserAgent(
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
  );
  assert.deepEqual([info.browserFamily, info.browserVersion, info.deviceFamily, info.isBot], [
    "FacebookBot",
    "1.1",
    "Spider",
    true,
  ]);
});

Deno.test("the UA cache parses each distinct UA once and counts its hits", () => {
  const cache = new UserAgentCache(2);
  const a = cache.lookup("curl/7.68.0");
  assert.equal(cache.lookup("curl/7.68.0"), a);
  cache.lookup("Wget/1.20.3 (linux-gnu)");
  cache.lookup("okhttp/3.12.1"); // evicts curl
  assert.notEqual(cache.lookup("curl/7.68.0"), a);
  assert.deepEqual([cache.hits, cache.misses, cache.hitRate], [1, 4, 0.2]);
});
