/**
 * Client IP addresses: public IPv4 from blocks common in the shop's markets (Europe first, then
 * the Americas and Asia-Pacific), and IPv6 from large access providers, some written with "::".
 */
import type { Rng } from "./prng.ts";

// First octets of public unicast blocks, weighted towards the shop's European markets.
const V4_FIRST = [
  2,
  5,
  31,
  37,
  46,
  62,
  77,
  78,
  79,
  80,
  81,
  82,
  83,
  84,
  85,
  86,
  87,
  88,
  89,
  90,
  91,
  92,
  93,
  94,
  95,
  109,
  151,
  176,
  178,
  185,
  188,
  193,
  194,
  195,
  212,
  213,
  217,
  24,
  50,
  66,
  67,
  68,
  71,
  73,
  76,
  98,
  99,
  104,
  1,
  14,
  27,
  49,
  101,
  110,
  112,
  115,
  120,
  124,
];

// /32 prefixes of big IPv6 access networks (DE, FR, UK, NL, US, ...).
const V6_PREFIX = [
  "2a02:8108",
  "2a02:810d",
  "2003:e4",
  "2003:c5",
  "2a01:e0a",
  "2a01:cb1d",
  "2a00:23c5",
  "2a02:c7f",
  "2001:4ca0",
  "2600:1700",
  "2601:646",
  "2a02:a44a",
  "2a02:1810",
  "2001:1c02",
];

/** A public IPv4 address in dotted-quad form. */
export function ipv4(rng: Rng): string {
  return `${rng.pick(V4_FIRST)}.${rng.int(256)}.${rng.int(256)}.${rng.range(1, 254)}`;
}

const hextet = (rng: Rng) => rng.int(0x10000).toString(16);

/** A global IPv6 address, full or compressed with "::". */
export function ipv6(rng: Rng): string {
  const prefix = rng.pick(V6_PREFIX);
  const fill = 8 - prefix.split(":").length;
  if (rng.chance(0.3)) {
    const tail = Array.from({ length: rng.range(1, 3) }, () => hextet(rng));
    return `${prefix}:${hextet(rng)}::${tail.join(":")}`;
  }
  return [prefix, ...Array.from({ length: fill }, () => hextet(rng))].join(":");
}
