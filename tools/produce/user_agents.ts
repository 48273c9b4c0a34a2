/**
 * The User-Agent catalog: thousands of distinct, real-looking browser UAs built by combining
 * browsers, versions, operating systems and device models, plus a few percent bots. Popularity
 * is Zipf-like: a family's share times the product of per-dimension Zipf weights.
 */
import { BOT_AGENTS } from "./bot_agents.ts";
import { FAMILIES } from "./browser_families.ts";
import { type Rng, WeightedPicker, zipfWeight } from "./prng.ts";

/** What kind of client a UA stands for (drives the screen resolution). */
export type AgentKind = "desktop" | "mobile" | "tablet" | "bot";

/** One UA string with its popularity weight (all weights sum to 1). */
export interface UserAgentEntry {
  readonly value: string;
  readonly kind: AgentKind;
  readonly weight: number;
}

/** Share of devices that are bots. */
export const BOT_SHARE = 0.03;

function buildCatalog(): UserAgentEntry[] {
  const humanTotal = FAMILIES.reduce((sum, [share]) => sum + share, 0);
  const weights = new Map<string, { kind: AgentKind; weight: number }>();
  const add = (value: string, kind: AgentKind, weight: number) => {
    const seen = weights.get(value);
    weights.set(value, { kind, weight: (seen?.weight ?? 0) + weight });
  };
  for (const [share, build] of FAMILIES) {
    const family: [string, AgentKind, number][] = [];
    build((value, kind, ...ranks) =>
      family.push([value, kind, ranks.reduce((w, r) => w * zipfWeight(r, 1), 1)])
    );
    const total = family.reduce((sum, [, , w]) => sum + w, 0);
    const scale = ((1 - BOT_SHARE) * share) / humanTotal / total;
    for (const [value, kind, w] of family) add(value, kind, w * scale);
  }
  const bots = BOT_AGENTS.map((_, rank) => zipfWeight(rank, 1));
  const botTotal = bots.reduce((a, b) => a + b, 0);
  BOT_AGENTS.forEach((value, rank) =>
    add(value, "bot", (BOT_SHARE * (bots[rank] ?? 0)) / botTotal)
  );
  return [...weights].map(([value, { kind, weight }]) => ({ value, kind, weight }))
    .sort((a, b) => b.weight - a.weight);
}

let catalog: readonly UserAgentEntry[] | undefined;
let picker: WeightedPicker<UserAgentEntry> | undefined;

/** Every distinct UA of the catalog, most popular first (built once, then cached). */
export function userAgentCatalog(): readonly UserAgentEntry[] {
  catalog ??= Object.freeze(buildCatalog());
  return catalog;
}

/** Draws one UA by popularity. */
export function pickUserAgent(rng: Rng): UserAgentEntry {
  picker ??= new WeightedPicker(userAgentCatalog().map((e) => [e, e.weight] as const));
  return picker.pick(rng);
}
