/**
 * Reads a product page: the name from the first CSS selector that finds text (then the JSON-LD
 * `Product` name), price and currency from JSON-LD `Offer` data or `itemprop` microdata. Pages
 * are untrusted and often broken: bad HTML or bad JSON finds less; a page too deep or too slow to
 * parse is refused with a `PageRejectedError` (see bounded_parse.ts), never a crash.
 */

import * as cheerio from "cheerio";
import { PAGE_PARSE_LIMITS, parseDeadline, type ParseLimits, parsePage } from "./bounded_parse.ts";
import { isRecord } from "../runtime/guards.ts";

/** Name selectors tried in order: the shop's Magento layout first, then common variants. */
export const DEFAULT_NAME_SELECTORS: readonly string[] = Object.freeze([
  "h1.page-title > span.base",
  "h1.page-title",
  "h1[itemprop=name]",
  "[itemtype$='schema.org/Product'] [itemprop=name]",
  "h1.product-title",
  "h1.product-name",
  ".product-name h1",
]);

/** What a product page told. */
export interface ProductFacts {
  readonly name: string | null;
  /** Price in the store currency, when the page's structured data states it. */
  readonly price: number | null;
  /** ISO 4217 code, when stated. */
  readonly currency: string | null;
}

const MAX_NAME_CHARS = 500;

/**
 * Extracts the facts of one page's HTML, trying `selectors` for the name, within `limits`
 * (`PageRejectedError` past them).
 */
export function extractProduct(
  html: string,
  selectors: readonly string[] = DEFAULT_NAME_SELECTORS,
  limits: ParseLimits = PAGE_PARSE_LIMITS,
): ProductFacts {
  const deadline = parseDeadline(limits.budgetMs);
  const $ = cheerio.load(parsePage(html, limits, deadline));
  const offers = jsonLdProducts($);
  deadline.check("read its structured data");
  let name: string | null = null;
  for (const selector of selectors) {
    name = cleanText(selectText($, selector));
    deadline.check("search for the name");
    if (name !== null) break;
  }
  name ??= offers.map((p) => cleanText(typeof p.name === "string" ? p.name : null))
    .find((t) => t !== null) ?? null;
  const offer = offers.flatMap((p) => asList(p.offers)).find(isRecord);
  const price = parsePrice(offer?.price ?? offer?.lowPrice) ??
    parsePrice(attrOrText($, "[itemprop=price]")) ??
    parsePrice(attrOrText($, "meta[property='product:price:amount']"));
  const currency = parseCurrency(offer?.priceCurrency) ??
    parseCurrency(attrOrText($, "[itemprop=priceCurrency]")) ??
    parseCurrency(attrOrText($, "meta[property='product:price:currency']"));
  return { name, price, currency };
}

type Json = Record<string, unknown>;

function selectText($: cheerio.CheerioAPI, selector: string): string | null {
  try {
    return $(selector).first().text();
  } catch (error) {
    // A configured selector cheerio cannot parse finds nothing rather than failing the page.
    if (error instanceof Error && /selector|unmatched|expected/i.test(error.message)) return null;
    throw error;
  }
}

function attrOrText($: cheerio.CheerioAPI, selector: string): string | null {
  const node = $(selector).first();
  if (node.length === 0) return null;
  return node.attr("content") ?? node.text();
}

function cleanText(text: string | null): string | null {
  const clean = (text ?? "").replace(/\s+/g, " ").trim();
  return clean === "" ? null : clean.slice(0, MAX_NAME_CHARS);
}

/** Every JSON-LD object typed `Product`, looking inside arrays and `@graph`. */
function jsonLdProducts($: cheerio.CheerioAPI): Json[] {
  const found: Json[] = [];
  $("script[type='application/ld+json']").each((_, script) => {
    let data: unknown;
    try {
      data = JSON.parse($(script).text());
    } catch (error) {
      if (error instanceof SyntaxError) return; // broken structured data: the page has none
      throw error;
    }
    collectProducts(data, found, 0);
  });
  return found;
}

function collectProducts(data: unknown, into: Json[], depth: number): void {
  if (depth > 4) return;
  for (const item of asList(data)) {
    if (!isRecord(item)) continue;
    if (asList(item["@type"]).includes("Product")) into.push(item);
    if (item["@graph"] !== undefined) collectProducts(item["@graph"], into, depth + 1);
  }
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function parsePrice(value: unknown): number | null {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value : "";
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text)) return null;
  return Number(text);
}

function parseCurrency(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const code = value.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) ? code : null;
}
