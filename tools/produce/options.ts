/**
 * Product options as the events carry them: arrays of {option_label, option_id, value_label,
 * value_id} on product events (ids as strings), objects on listing and recommendation pages,
 * and cart options with int ids and display labels, or a bare string in ~18% of cart items.
 */
import { hash32, type Rng, WeightedPicker } from "./prng.ts";
import type { Product } from "./products.ts";

/** Metals: URL code and display label. */
export const ALLOYS: readonly (readonly [string, string])[] = [
  ["white-585", "Weißgold 585"],
  ["yellow-585", "Gelbgold 585"],
  ["red-585", "Roségold 585"],
  ["white-375", "Weißgold 375"],
  ["yellow-375", "Gelbgold 375"],
  ["platin", "Platin 950"],
  ["silber", "Silber 925"],
  ["white-750", "Weißgold 750"],
  ["white-yellow-585", "Bicolor 585"],
];

/** Stones: URL code and display label. */
export const STONES: readonly (readonly [string, string])[] = [
  ["diamond-Brillant", "Diamant"],
  ["sapphire", "Saphir"],
  ["swarovskii", "Swarovski Kristall"],
  ["zirconia", "Zirkonia"],
  ["ruby", "Rubin"],
  ["emerald", "Smaragd"],
  ["amethyst", "Amethyst"],
  ["lab-grown-diamond", "Lab-Grown Diamant"],
  ["black-diamond", "Schwarzer Diamant"],
];

/** Option labels with their inconsistent spellings, weighted by how often they appear. */
const STONE_LABELS = new WeightedPicker<string>([
  ["diamond", 40],
  ["stone", 14],
  ["stone2", 8],
  ["stone 2", 4],
  ["stone3", 3],
  ["pear", 3],
  ["damenring steinbesatz", 2],
  ["herrenring steinbesatz", 1],
]);

const SHAPES = ["round", "princess", "oval", "pear", "heart", "emerald", "cushion"];
const QUALITIES: readonly (readonly [string, string])[] = [
  ["AAA", "Premium"],
  ["AA", "Sehr gut"],
  ["A", "Gut"],
  ["AAAA", "Exzellent"],
];

/** A top-level option item: every field a string, as the original schema declared. */
export type OptionItem = Record<string, string>;

/** A cart option item: ids are ints there. */
export interface CartOptionItem {
  option_label: string;
  option_id: number;
  value_label: string;
  value_id: number;
}

function optionIds(product: Product, label: string, value: number): [number, number] {
  const optionId = 30_000 + (hash32(product.id, label.length, label.charCodeAt(0)) % 60_000);
  return [optionId, 400_000 + (hash32(optionId, value) % 500_000)];
}

function choices(rng: Rng, product: Product, count: number) {
  const items: { label: string; values: readonly (readonly [string, string])[] }[] = [
    { label: "alloy", values: ALLOYS },
  ];
  for (let i = 1; i < count; i++) {
    const label = STONE_LABELS.pick(rng);
    if (items.every((item) => item.label !== label)) items.push({ label, values: STONES });
  }
  return items.map(({ label, values }) => {
    const value = rng.int(values.length);
    const [optionId, valueId] = optionIds(product, label, value);
    return { label, optionId, valueId, display: values[value]?.[1] ?? "" };
  });
}

/** The option array of a product event; `labelled` fills value_label (option selections). */
export function optionArray(rng: Rng, product: Product, labelled: boolean): OptionItem[] {
  return choices(rng, product, rng.range(1, 3)).map((c) => ({
    option_label: c.label,
    option_id: String(c.optionId),
    value_label: labelled ? c.display : "",
    value_id: String(c.valueId),
  }));
}

/** The option array of a quality selection: one stone with its quality grade. */
export function qualityOption(rng: Rng, product: Product): OptionItem[] {
  const [c] = choices(rng, product, 2).slice(1);
  const [quality, qualityLabel] = rng.pick(QUALITIES);
  return [{
    option_label: c?.label ?? "diamond",
    option_id: String(c?.optionId ?? 0),
    value_label: c?.display ?? "",
    value_id: String(c?.valueId ?? 0),
    quality,
    quality_label: qualityLabel,
  }];
}

/** The option object of listing and sorting pages: mostly empty filters. */
export function listingOption(rng: Rng): Record<string, string> {
  const filtered = rng.chance(0.35);
  return {
    alloy: filtered && rng.chance(0.7) ? rng.pick(ALLOYS)[0] : "",
    diamond: filtered && rng.chance(0.5) ? rng.pick(STONES)[0] : "",
    shapediamond: filtered && rng.chance(0.3) ? rng.pick(SHAPES) : "",
  };
}

/** The option object of view_all_recommend, with its space-and-capital keys. */
export function recommendOption(rng: Rng): Record<string, string> {
  const kollektion = rng.chance(0.3);
  return {
    alloy: rng.chance(0.5) ? rng.pick(ALLOYS)[0] : "",
    stone: rng.chance(0.4) ? rng.pick(STONES)[0] : "",
    pearlcolor: rng.chance(0.05) ? rng.pick(["white", "black", "gold"]) : "",
    finish: rng.chance(0.1) ? rng.pick(["polished", "matt", "hammered"]) : "",
    price: rng.chance(0.2) ? rng.pick(["0-500", "500-1000", "1000-2500"]) : "",
    "category id": String(rng.range(10, 400)),
    Kollektion: kollektion ? rng.pick(["Glamira Eternity", "Glamira Solitaire", "Vintage"]) : "",
    kollektion_id: kollektion ? String(rng.range(1, 90)) : "",
  };
}

/** The option of a cart item: a list of int-id items, or a bare string in ~18% of items. */
export function cartOption(rng: Rng, product: Product): CartOptionItem[] | string {
  if (rng.chance(0.18)) return rng.chance(0.8) ? "" : rng.pick(ALLOYS)[1];
  return choices(rng, product, rng.range(1, 3)).map((c) => ({
    option_label: c.label,
    option_id: c.optionId,
    value_label: c.display,
    value_id: c.valueId,
  }));
}
