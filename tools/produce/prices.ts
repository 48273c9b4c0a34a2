/**
 * Locale price formats of the shop's stores, as the events carry them: "880.00", "1.234,56",
 * "1 278,00" with a no-break space, "1,234.56", "1'234.00" and the Arabic decimal separator.
 */

/** How a store writes a price. */
export type PriceFormat = "en" | "de" | "fr" | "ch" | "ar";

/** Group and decimal separators of each format. */
export const SEPARATORS: Readonly<Record<PriceFormat, { group: string; decimal: string }>> = {
  en: { group: ",", decimal: "." },
  de: { group: ".", decimal: "," },
  fr: { group: "\u00a0", decimal: "," },
  ch: { group: "'", decimal: "." },
  ar: { group: "", decimal: "\u066b" },
};

/** Formats `amount` (>= 0) with `decimals` digits in the store's locale format. */
export function formatPrice(amount: number, format: PriceFormat, decimals: number): string {
  const { group, decimal } = SEPARATORS[format];
  const [whole = "0", fraction = ""] = amount.toFixed(decimals).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return fraction === "" ? grouped : `${grouped}${decimal}${fraction}`;
}
