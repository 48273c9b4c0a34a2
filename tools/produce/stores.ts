/**
 * The shop's country stores: id, domain, language subpaths, currency string, price format and
 * time zone, with a traffic weight. Ids and domains of the 17 stores seen in the real data are
 * real; the others (ids 70 and up) are invented to carry the remaining currency strings.
 */
import type { PriceFormat } from "./prices.ts";
import { WeightedPicker } from "./prng.ts";

/** One country store. */
export interface Store {
  readonly id: string;
  /** Top-level domain after `glamira.` ("de", "co.uk"). */
  readonly domain: string;
  /** Language subpaths ("" is the default language of the store). */
  readonly paths: readonly string[];
  /** Language of slugs and labels. */
  readonly lang: string;
  readonly currency: string;
  readonly format: PriceFormat;
  readonly decimals: number;
  /** Units of the store currency per euro. */
  readonly rate: number;
  /** Offset of the shop-local clock from UTC, in hours. */
  readonly utcOffsetHours: number;
  readonly weight: number;
}

type Row = [string, string, string, string, PriceFormat, number, number, number, number];

// id, domain, lang, currency, format, decimals, rate per euro, UTC offset, weight
const ROWS: readonly Row[] = [
  ["6", "de", "de", "€", "de", 2, 1, 2, 14],
  ["7", "co.uk", "en", "£", "en", 2, 0.89, 1, 9],
  ["8", "es", "es", "€", "de", 2, 1, 2, 5],
  ["9", "at", "de", "€", "de", 2, 1, 2, 3],
  ["10", "ch", "de", "CHF", "ch", 2, 1.06, 2, 3],
  ["11", "nl", "nl", "€", "de", 2, 1, 2, 4],
  ["12", "fr", "fr", "€", "fr", 2, 1, 2, 8],
  ["14", "it", "it", "€", "de", 2, 1, 2, 6],
  ["19", "se", "sv", "kr", "fr", 2, 10.6, 2, 3],
  ["29", "com.au", "en", "AU $", "en", 2, 1.65, 10, 2],
  ["34", "pt", "pt", "€", "fr", 2, 1, 1, 2],
  ["38", "ca", "en", "CAD $", "en", 2, 1.5, -4, 2],
  ["41", "com", "en", "$", "en", 2, 1.1, -4, 6],
  ["50", "pl", "pl", "zł", "fr", 2, 4.5, 2, 3],
  ["52", "rs", "sr", "din.", "de", 2, 117.6, 2, 1],
  ["53", "sk", "sk", "€", "fr", 2, 1, 2, 1],
  ["66", "bg", "bg", "лв.", "fr", 2, 1.96, 3, 1],
  ["70", "dk", "da", "kr", "de", 2, 7.45, 2, 0.8],
  ["71", "no", "no", "kr", "fr", 2, 10.8, 2, 0.6],
  ["72", "cz", "cs", "Kč", "fr", 2, 27, 2, 0.8],
  ["73", "hu", "hu", "Ft", "fr", 0, 350, 2, 0.6],
  ["74", "ro", "ro", "Lei", "de", 2, 4.84, 3, 0.6],
  ["75", "hr", "hr", "kn", "de", 2, 7.57, 2, 0.4],
  ["76", "com.tr", "tr", "₺", "de", 2, 7.5, 3, 0.4],
  ["77", "ph", "en", "₱", "en", 2, 55, 8, 0.2],
  ["78", "vn", "vi", "₫", "de", 0, 25_800, 7, 0.2],
  ["79", "in", "en", "₹", "en", 2, 83, 5, 0.3],
  ["80", "com.py", "es", "₲", "de", 0, 7_300, -4, 0.1],
  ["81", "jp", "ja", "￥", "en", 0, 120, 9, 0.3],
  ["82", "com.br", "pt", "R$", "de", 2, 6, -3, 0.4],
  ["83", "cl", "es", "CLP", "de", 0, 890, -4, 0.2],
  ["84", "com.uy", "es", "UYU", "de", 2, 48, -3, 0.1],
  ["85", "pe", "es", "PEN S/.", "en", 2, 3.8, -5, 0.1],
  ["86", "com.gt", "es", "GTQ Q", "en", 2, 8.5, -6, 0.1],
  ["87", "com.bo", "es", "BOB Bs", "de", 2, 7.6, -4, 0.1],
  ["88", "cr", "es", "CRC ₡", "fr", 2, 640, -6, 0.1],
  ["89", "com.kw", "ar", "د.ك.\u200f", "ar", 3, 0.34, 3, 0.1],
  ["90", "co.nz", "en", "NZD $", "en", 2, 1.75, 12, 0.3],
  ["91", "sg", "en", "SGD $", "en", 2, 1.55, 8, 0.2],
  ["92", "hk", "en", "HKD $", "en", 2, 8.6, 8, 0.2],
  ["93", "com.ec", "es", "USD $", "en", 2, 1.1, -5, 0.1],
  ["94", "mx", "es", "MXN $", "en", 2, 25, -5, 0.4],
  ["95", "com.co", "es", "COP $", "de", 0, 4_200, -5, 0.2],
  ["96", "com.do", "es", "DOP $", "en", 2, 62, -4, 0.1],
];

const SUBPATHS: Readonly<Record<string, readonly string[]>> = {
  ch: ["", "", "fr", "it"],
  com: ["", "", "", "es"],
  ca: ["", "", "fr"],
};

/** Every store, in the order of the table above. */
export const STORES: readonly Store[] = ROWS.map((
  [id, domain, lang, currency, format, decimals, rate, utcOffsetHours, weight],
) => ({
  id,
  domain,
  paths: SUBPATHS[domain] ?? [""],
  lang,
  currency,
  format,
  decimals,
  rate,
  utcOffsetHours,
  weight,
}));

/** Draws a store by its share of traffic. */
export const STORE_PICKER = new WeightedPicker(STORES.map((s) => [s, s.weight] as const));

/** The store's origin, e.g. `https://www.glamira.de`. */
export function storeOrigin(store: Store): string {
  return `https://www.glamira.${store.domain}`;
}
