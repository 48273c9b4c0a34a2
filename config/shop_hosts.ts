/**
 * The shop's country domains: the crawler's default allow-list. Kept as a literal (not derived
 * from the event generator's store table) so the pipeline does not depend on a dev tool; a test
 * checks that every store the generator emits is covered.
 */

// deno-fmt-ignore: one row per line would make a 44-line list
const COUNTRY_DOMAINS = [
  "de", "co.uk", "es", "at", "ch", "nl", "fr", "it", "se", "com.au", "pt", "ca", "com", "pl",
  "rs", "sk", "bg", "dk", "no", "cz", "hu", "ro", "hr", "com.tr", "ph", "vn", "in", "com.py",
  "jp", "com.br", "cl", "com.uy", "pe", "com.gt", "com.bo", "cr", "com.kw", "co.nz", "sg", "hk",
  "com.ec", "mx", "com.co", "com.do",
] as const;

/** `www.glamira.<domain>` of every country store, in the order of the store table. */
export const SHOP_HOSTS: readonly string[] = Object.freeze(
  COUNTRY_DOMAINS.map((domain) => `www.glamira.${domain}`),
);
