/**
 * URLs of the shop's non-product pages (listing, landing, static, search, cart, checkout,
 * account, recommendation lists) and the referrers visitors arrive from.
 */
import type { Rng } from "./prng.ts";
import { type Store, storeOrigin } from "./stores.ts";

const CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  de: ["verlobungsringe", "ringe", "trauringe", "ohrringe", "halsketten", "damenringe"],
  fr: ["bagues-de-fiancailles", "bagues", "alliances", "boucles-d-oreilles", "colliers"],
  it: ["anelli-di-fidanzamento", "anelli", "fedi-nuziali", "orecchini", "collane"],
  es: ["anillos-de-compromiso", "anillos", "alianzas", "pendientes", "collares"],
  en: ["engagement-rings", "rings", "wedding-rings", "earrings", "necklaces", "men-s-necklaces"],
};

const STATIC = ["about-us/", "faq/", "shipping/", "returns/", "ring-size/", "contact/"];
const LANDING = ["glamira-eternity/", "diamond-week/", "gifts-for-her/", "valentines-day/"];

/** Search terms, some empty (the box was submitted blank). */
export const SEARCH_TERMS = [
  "verlobungsring",
  "ring",
  "diamond ring",
  "eheringe",
  "kette gold",
  "bague or blanc",
  "anillo",
  "ohrringe",
  "saphir",
  "",
  "herrenring",
  "solitaire",
  "perle",
  "name necklace",
  "trauringe gold",
];

function base(rng: Rng, store: Store): string {
  const path = rng.pick(store.paths);
  return storeOrigin(store) + (path === "" ? "/" : `/${path}/`);
}

/** A listing page with its category id; some carry filters in the query. */
export function listingPage(rng: Rng, store: Store): { url: string; catId: string } {
  const categories = CATEGORIES[store.lang] ?? CATEGORIES.en ?? [];
  const category = rng.int(categories.length);
  const query = rng.chance(0.2) ? "?alloy=white-585" : rng.chance(0.1) ? "?p=2" : "";
  return {
    url: `${base(rng, store)}${categories[category] ?? "rings"}/${query}`,
    catId: String(30 + category * 7 + rng.int(3)),
  };
}

/** A landing page with its collection id. */
export function landingPage(rng: Rng, store: Store): { url: string; collectId: string } {
  const page = rng.int(LANDING.length);
  return { url: `${base(rng, store)}${LANDING[page] ?? ""}`, collectId: String(page * 11 + 5) };
}

/** One of the fixed pages of a store. */
export function storePage(
  rng: Rng,
  store: Store,
  page: "home" | "static" | "cart" | "checkout" | "success" | "account",
): string {
  const root = base(rng, store);
  switch (page) {
    case "home":
      return root;
    case "static":
      return root + rng.pick(STATIC);
    case "cart":
      return `${root}checkout/cart/`;
    case "checkout":
      return `${root}checkout/`;
    case "success":
      return `${root}checkout/onepage/success/`;
    case "account":
      return `${root}customer/account/`;
  }
}

/** The search result page of `term`. */
export function searchPage(rng: Rng, store: Store, term: string): string {
  return `${base(rng, store)}catalogsearch/result/?q=${encodeURIComponent(term)}`;
}

/** The page listing every recommendation for a product. */
export function recommendationList(rng: Rng, store: Store, productId: number): string {
  return `${base(rng, store)}recommendation/list/id/${productId}/`;
}

/** Where the visitor came from: nothing (""), a search engine, a social network or the shop. */
export function referrer(rng: Rng, store: Store): string {
  const r = rng.next();
  if (r < 0.25) return "";
  if (r < 0.45) return rng.pick(["https://www.google.com/", `https://www.google.${store.domain}/`]);
  if (r < 0.49) return rng.pick(["https://l.facebook.com/", "https://www.bing.com/"]);
  if (r < 0.5) return "https://www.pinterest.com/";
  return listingPage(rng, store).url;
}
