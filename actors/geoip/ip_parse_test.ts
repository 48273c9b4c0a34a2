import assert from "node:assert/strict";
import { parseIpv4, parseIpv6 } from "./ip_parse.ts";
import { seededRandom } from "../../tools/produce/prng.ts";
import { formatIpv6 } from "./testing.ts";

const v6 = (text: string): number[] | false => {
  const out = new Uint32Array(4);
  return parseIpv6(text, out) ? [...out] : false;
};

Deno.test("parses dotted quads to their 32-bit value", () => {
  assert.equal(parseIpv4("0.0.0.0"), 0);
  assert.equal(parseIpv4("1.2.3.4"), 0x01020304);
  assert.equal(parseIpv4("255.255.255.255"), 0xffffffff);
  assert.equal(parseIpv4("192.168.0.10"), 0xc0a8000a);
});

Deno.test("rejects IPv4 text with missing, extra, large or zero-padded octets", () => {
  for (
    const bad of [
      "",
      "1.2.3",
      "1.2.3.4.5",
      "256.1.1.1",
      "1.2.3.04",
      "01.2.3.4",
      "1..3.4",
      ".1.2.3",
      "1.2.3.",
      " 1.2.3.4",
      "1.2.3.4 ",
      "a.b.c.d",
      "1.2.3.-4",
      "1.2.3.1000",
    ]
  ) {
    assert.equal(parseIpv4(bad), -1, bad);
  }
});

Deno.test("parses IPv6 with :: compression and an embedded IPv4 tail", () => {
  assert.deepEqual(v6("::"), [0, 0, 0, 0]);
  assert.deepEqual(v6("::1"), [0, 0, 0, 1]);
  assert.deepEqual(v6("1::"), [0x10000, 0, 0, 0]);
  assert.deepEqual(v6("2001:db8::8a2e:370:7334"), [0x20010db8, 0, 0x8a2e, 0x03707334]);
  assert.deepEqual(v6("::ffff:1.2.3.4"), [0, 0, 0xffff, 0x01020304]);
  assert.deepEqual(v6("::FFFF:102:304"), [0, 0, 0xffff, 0x01020304]);
  assert.deepEqual(v6("1:2:3:4:5:6:7:8"), [0x10002, 0x30004, 0x50006, 0x70008]);
  assert.deepEqual(v6("1:2:3:4:5:6:1.2.3.4"), [0x10002, 0x30004, 0x50006, 0x01020304]);
});

Deno.test("rejects malformed IPv6 text", () => {
  for (
    const bad of [
      ":",
      ":::",
      "1:::2",
      "1::2::3",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8:9",
      "12345::",
      "g::",
      "1:",
      ":1",
      "::ffff:1.2.3",
      "::ffff:1.2.3.4:5",
      "1:2:3:4:5:6:7:1.2.3.4",
      "fe80::1%eth0",
      "[::1]",
    ]
  ) {
    assert.equal(v6(bad), false, bad);
  }
});

Deno.test("agrees with the URL parser on compressed IPv6 forms", () => {
  const random = seededRandom(3);
  for (let k = 0; k < 2000; k++) {
    let value = 0n;
    // Runs of zero groups make the URL parser compress them with ::.
    for (let g = 0; g < 8; g++) {
      value = (value << 16n) | (random() < 0.4 ? 0n : BigInt(Math.floor(random() * 65536)));
    }
    const compressed = new URL(`http://[${formatIpv6(value)}]/`).hostname.slice(1, -1);
    const words = [96n, 64n, 32n, 0n].map((s) => Number((value >> s) & 0xffffffffn));
    assert.deepEqual(v6(compressed), words, compressed);
  }
});
