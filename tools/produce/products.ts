/**
 * The product catalog: 19.4k products with Zipf popularity, a type, a localized slug (which
 * holds no product id) and a euro price; and the product page URL forms the events carry.
 */
import { Rng, WeightedPicker, zipfWeight } from "./prng.ts";
import { type Store, storeOrigin } from "./stores.ts";

/** Distinct products in the real data. */
export const PRODUCT_COUNT = 19_400;

/** Product types, with their slug word per language (English when missing). */
const TYPES: readonly (readonly [number, Readonly<Record<string, string>>])[] = [
  [45, { en: "ring", fr: "bague", it: "anello", es: "anillo", pl: "pierscionek", pt: "anel" }],
  [15, { en: "pendant", de: "anhaenger", fr: "pendentif", it: "ciondolo", es: "colgante" }],
  [15, {
    en: "earring",
    de: "ohrringe",
    fr: "boucles-d-oreilles",
    it: "orecchini",
    nl: "oorbellen",
  }],
  [8, { en: "necklace", de: "kette", fr: "collier", it: "collana", es: "collar", sv: "halsband" }],
  [7, { en: "bracelet", de: "armband", it: "bracciale", es: "pulsera", pl: "bransoletka" }],
  [10, { en: "wedding-ring", de: "trauring", fr: "alliance", it: "fede", es: "alianza" }],
];

const SYLLABLES = [
  "sa",
  "phi",
  "ra",
  "le",
  "dor",
  "al",
  "ve",
  "mi",
  "na",
  "lo",
  "ri",
  "ta",
  "bel",
  "ko",
  "ze",
  "an",
  "ise",
  "mar",
  "vi",
  "ola",
  "el",
  "fen",
  "cia",
  "ro",
];

const ALLOY_CODES = ["white-585", "yellow-585", "red-585", "white-375", "platin", "silber"];
const STONE_CODES = ["diamond-Brillant", "sapphire", "swarovskii", "zirconia", "ruby", "emerald"];

/** One product of the catalog. */
export interface Product {
  readonly id: number;
  /** Slug word per language of the product type. */
  readonly typeWords: Readonly<Record<string, string>>;
  /** The product's name part of the slug ("saphira"). */
  readonly name: string;
  /** A catalog number some slugs carry; it is not the product id. */
  readonly sku: string | undefined;
  readonly priceEur: number;
}

const typePicker = new WeightedPicker(TYPES.map(([w, words]) => [words, w] as const));

/** The product of popularity rank `rank` (0 = best seller); a pure function of the rank. */
export function productAt(rank: number): Product {
  const rng = new Rng(0x5eed, rank);
  let name = "";
  for (let i = rng.range(2, 3); i > 0; i--) name += rng.pick(SYLLABLES);
  return {
    // 7919 is prime to 110000, so ranks below 110000 map to distinct ids.
    id: 10_000 + ((rank * 7919) % 110_000),
    typeWords: typePicker.pick(rng),
    name,
    sku: rng.chance(0.2) ? `skug${rng.range(100_000, 999_999)}` : undefined,
    // Log-uniform from about 90 to 4,900 euros: most jewelry is cheap, a tail is not.
    priceEur: Math.round(90 * Math.exp(rng.next() * 4)) - 0.01,
  };
}

let popularity: WeightedPicker<number> | undefined;

const built: (Product | undefined)[] = [];

/** Draws a product by popularity (Zipf over the catalog). */
export function pickProduct(rng: Rng): Product {
  popularity ??= new WeightedPicker(
    Array.from({ length: PRODUCT_COUNT }, (_, rank) => [rank, zipfWeight(rank, 1.05)] as const),
  );
  const rank = popularity.pick(rng);
  return built[rank] ??= productAt(rank);
}

/** The product's slug in the store's language. */
export function productSlug(product: Product, lang: string): string {
  const word = product.typeWords[lang] ?? product.typeWords.en ?? "ring";
  return `glamira-${word}-${product.name}${product.sku === undefined ? "" : `-${product.sku}`}`;
}

/** A product page URL in one of the forms seen: slug with options, id route, cart, staging. */
export function productUrl(rng: Rng, product: Product, store: Store): string {
  const path = rng.pick(store.paths);
  const origin = storeOrigin(store) + (path === "" ? "" : `/${path}`);
  const form = rng.next();
  if (form < 0.07) return `${origin}/catalog/product/view/id/${product.id}`;
  if (form < 0.08) return `${origin}/checkout/cart/`;
  const host = form < 0.09 ? origin.replace("www.", "staging.") : origin;
  const page = `${host}/${productSlug(product, store.lang)}.html`;
  if (rng.chance(0.25)) return page;
  let query = `?alloy=${rng.pick(ALLOY_CODES)}&diamond=${rng.pick(STONE_CODES)}`;
  if (rng.chance(0.15)) query += `&stone2=${rng.pick(STONE_CODES)}`;
  if (rng.chance(0.1)) query += "&itm_source=recommendation&itm_medium=sorting";
  return page + query;
}
