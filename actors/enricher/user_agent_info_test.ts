import assert from "node:assert/strict";
import { parseUserAgent, userAgentId } from "./user_agent_info.ts";
import { UserAgentCache } from "./user_agent_cache.ts";

type Expected = Omit<ReturnType<typeof parseUserAgent>, "id">;

const WELL_KNOWN: readonly (readonly [string, string, Expected])[] = [
  [
    "desktop Chrome on Windows",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.138 Safari/537.36",
    {
      browserFamily: "Chrome",
      browserVersion: "81.0.4044.138",
      osFamily: "Windows",
      osVersion: "10",
      deviceFamily: "Other",
      deviceBrand: null,
      deviceModel: null,
      isMobile: false,
      isTablet: false,
      isTouchCapable: false,
      isPc: true,
      isBot: false,
    },
  ],
  [
    "Firefox on Linux",
    "Mozilla/5.0 (X11; Linux x86_64; rv:76.0) Gecko/20100101 Firefox/76.0",
    {
      browserFamily: "Firefox",
      browserVersion: "76.0",
      osFamily: "Linux",
      osVersion: null,
      deviceFamily: "Other",
      deviceBrand: null,
      deviceModel: null,
      isMobile: false,
      isTablet: false,
      isTouchCapable: false,
      isPc: true,
      isBot: false,
    },
  ],
  [
    "iPhone Safari",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 13_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1 Mobile/15E148 Safari/604.1",
    {
      browserFamily: "Mobile Safari",
      browserVersion: "13.1",
      osFamily: "iOS",
      osVersion: "13.4.1",
      deviceFamily: "iPhone",
      deviceBrand: "Apple",
      deviceModel: "iPhone",
      isMobile: true,
      isTablet: false,
      isTouchCapable: true,
      isPc: false,
      isBot: false,
    },
  ],
  [
    "Android Chrome on a Samsung phone",
    "Mozilla/5.0 (Linux; Android 11; SM-G991B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/90.0.4430.210 Mobile Safari/537.36",
    {
      browserFamily: "Chrome",
      browserVersion: "90.0.4430.210",
      osFamily: "Android",
      osVersion: "11",
      deviceFamily: "Samsung SM-G991B",
      deviceBrand: "Samsung",
      deviceModel: "SM-G991B",
      isMobile: true,
      isTablet: false,
      isTouchCapable: true,
      isPc: false,
      isBot: false,
    },
  ],
  [
    "iPad Safari",
    "Mozilla/5.0 (iPad; CPU OS 13_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1 Mobile/15E148 Safari/604.1",
    {
      browserFamily: "Mobile Safari",
      browserVersion: "13.1",
      osFamily: "iOS",
      osVersion: "13.4.1",
      deviceFamily: "iPad",
      deviceBrand: "Apple",
      deviceModel: "iPad",
      isMobile: false,
      isTablet: true,
      isTouchCapable: true,
      isPc: false,
      isBot: false,
    },
  ],
  [
    "Googlebot",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    {
      browserFamily: "Googlebot",
      browserVersion: "2.1",
      osFamily: "Other",
      osVersion: null,
      deviceFamily: "Spider",
      deviceBrand: null,
      deviceModel: null,
      isMobile: false,
      isTablet: false,
      isTouchCapable: false,
      isPc: false,
      isBot: true,
    },
  ],
  [
    "curl",
    "curl/7.68.0",
    {
      browserFamily: "curl",
      browserVersion: "7.68.0",
      osFamily: "Other",
      osVersion: null,
      deviceFamily: "Spider",
      deviceBrand: null,
      deviceModel: null,
      isMobile: false,
      isTablet: false,
      isTouchCapable: false,
      isPc: false,
      isBot: true,
    },
  ],
];

for (const [client, ua, expected] of WELL_KNOWN) {
  Deno.test(`a User-Agent of ${client} gets its browser, OS, device and flags`, () => {
    const { id: _id, ...fields } = parseUserAgent(ua);
    assert.deepEqual(fields, expected);
  });
}

Deno.test("user_agent_id is the MD5 hex of the UA string in UTF-8", () => {
  assert.equal(userAgentId(""), "d41d8cd98f00b204e9800998ecf8427e");
  assert.equal(userAgentId("curl/7.68.0"), "fd4a0a8696c9f02d5c00ddd6c92d5485");
  assert.equal(userAgentId("Weißgold 💍"), "33c01f470cbbbf11a040b94d1153abf4");
  assert.equal(parseUserAgent("curl/7.68.0").id, "fd4a0a8696c9f02d5c00ddd6c92d5485");
});

Deno.test("a Samsung tablet is a touch-capable tablet, not a phone or a PC", () => {
  const info = parseUserAgent(
    "Mozilla/5.0 (Linux; Android 9; SM-T510) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.138 Safari/537.36",
  );
  assert.deepEqual(
    [info.deviceFamily, info.isTablet, info.isMobile, info.isTouchCapable, info.isPc],
    ["Samsung SM-T510", true, false, true, false],
  );
});

Deno.test("a Windows touch laptop is a touch-capable PC", () => {
  const info = parseUserAgent(
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; Touch) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/83.0.4103.116 Safari/537.36",
  );
  assert.deepEqual([info.isPc, info.isTouchCapable], [true, true]);
});

Deno.test("the Facebook in-app browser on an iPhone is a human on a phone", () => {
  const info = parseUserAgent(
    "Mozilla/5.0 (iPhone; CPU iPhone OS 13_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBDV/iPhone11,8;FBMD/iPhone;FBSN/iOS;FBSV/13.4;FBSS/2;FBID/phone;FBLC/de_DE;FBOP/5]",
  );
  assert.deepEqual([info.browserFamily, info.deviceFamily, info.isBot], [
    "Facebook",
    "iPhone",
    false,
  ]);
});

Deno.test("a link-preview crawler is a bot named after its product token", () => {
  const info = parseUserAgent(
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
  );
  assert.deepEqual([info.browserFamily, info.browserVersion, info.isBot], [
    "facebookexternalhit",
    "1.1",
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
