/**
 * IP text to numbers without allocation: dotted-quad IPv4 to a 32-bit value, IPv6 (with `::`
 * and an embedded IPv4 tail) to four 32-bit words. Both answer "not an IP" instead of throwing.
 */

/**
 * Parses the dotted quad in `text[start, end)` into its 32-bit value, or returns -1.
 * Strict: exactly four decimal octets 0-255, no leading zeros (`01` is ambiguous), no spaces.
 */
export function parseIpv4At(text: string, start: number, end: number): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return -1;
      octet = octet * 10 + (c - 48);
      if (octet > 255) return -1;
      digits++;
    } else if (c === 46 && digits > 0 && dots < 3) {
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  return digits === 0 || dots !== 3 ? -1 : value * 256 + octet;
}

/**
 * Parses dotted-quad IPv4 text into its 32-bit value (0 to 4294967295), or returns -1.
 *
 * @example
 * ```ts
 * parseIpv4("1.2.3.4"); // 16909060
 * parseIpv4("1.2.3"); // -1
 * ```
 */
export function parseIpv4(text: string): number {
  const n = text.length;
  return n < 7 || n > 15 ? -1 : parseIpv4At(text, 0, n);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const groups = new Uint16Array(8);

/** Reads the groups of `text` into `groups`; returns how many, or -1. `gapAt` gets the `::`. */
function readGroups(text: string, gapAt: Int32Array): number {
  const n = text.length;
  let count = 0;
  let i = 0;
  gapAt[0] = -1;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return -1;
    gapAt[0] = 0;
    i = 2;
  }
  while (i < n) {
    const start = i;
    let value = 0;
    for (
      let d = hexValue(text.charCodeAt(i));
      d >= 0 && i - start < 5;
      d = hexValue(text.charCodeAt(i))
    ) {
      value = value * 16 + d;
      i++;
    }
    if (text.charCodeAt(i) === 46) {
      // An embedded IPv4 tail (::ffff:1.2.3.4) takes the last two groups and ends the text.
      const v4 = count <= 6 ? parseIpv4At(text, start, n) : -1;
      if (v4 < 0) return -1;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      return count;
    }
    if (i === start || i - start > 4 || count === 8) return -1;
    groups[count++] = value;
    if (i === n) return count;
    if (text.charCodeAt(i) !== 58) return -1;
    i++;
    if (text.charCodeAt(i) === 58) {
      if (gapAt[0]! >= 0) return -1;
      gapAt[0] = count;
      i++;
    } else if (i === n) {
      return -1;
    }
  }
  return count;
}

const gapScratch = new Int32Array(1);

/**
 * Parses IPv6 text into four big-endian 32-bit words written to `out`; returns false (leaving
 * `out` unspecified) when `text` is not an IPv6 address. Zone ids (`%eth0`) are not accepted.
 *
 * @example
 * ```ts
 * const words = new Uint32Array(4);
 * parseIpv6("::ffff:1.2.3.4", words); // true; words = [0, 0, 0xffff, 0x01020304]
 * ```
 */
export function parseIpv6(text: string, out: Uint32Array): boolean {
  const n = text.length;
  if (n < 2 || n > 45) return false;
  const count = readGroups(text, gapScratch);
  if (count < 0) return false;
  const gap = gapScratch[0]!;
  if (gap < 0) {
    if (count !== 8) return false;
  } else {
    if (count > 7) return false;
    const shift = 8 - count;
    for (let k = count - 1; k >= gap; k--) groups[k + shift] = groups[k]!;
    for (let k = gap; k < gap + shift; k++) groups[k] = 0;
  }
  for (let w = 0; w < 4; w++) out[w] = groups[2 * w]! * 65536 + groups[2 * w + 1]!;
  return true;
}
