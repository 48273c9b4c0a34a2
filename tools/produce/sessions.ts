/**
 * Which device sends message i: the index space is cut into blocks of 64 where 8 browsing
 * sessions interleave; a session belongs to a returning device (Zipf over a pool) or a new one.
 * A pure function of (seed, index), so any message can be rebuilt without its predecessors.
 */
import { hash32, Rng, WeightedPicker, zipfWeight } from "./prng.ts";
import { pickProduct, type Product } from "./products.ts";

const BLOCK = 64;
const SLOTS = 8;
const RETURNING_POOL = 200_000;
const RETURNING_SHARE = 0.3;
/** Device numbers of new devices start here, above every returning device. */
const NEW_DEVICE_BASE = 1_000_000;

/** The browsing session a message belongs to. */
export interface Session {
  /** Identifies the session within a seed (block and slot). */
  readonly id: number;
  readonly deviceNumber: number;
  /** The product the visitor is mostly looking at. */
  readonly focus: Product;
}

let returning: WeightedPicker<number> | undefined;

/** The id of the session message `index` belongs to (cheap: one hash). */
export function sessionIdOf(seed: number, index: number): number {
  return Math.floor(index / BLOCK) * SLOTS + (hash32(seed, 0x5e, index) % SLOTS);
}

/** The session with id `id`. */
export function sessionAt(seed: number, id: number): Session {
  const rng = new Rng(seed, 0x55, id);
  returning ??= new WeightedPicker(
    Array.from({ length: RETURNING_POOL }, (_, i) => [i, zipfWeight(i, 0.6)] as const),
  );
  const deviceNumber = rng.chance(RETURNING_SHARE) ? returning.pick(rng) : NEW_DEVICE_BASE + id;
  return { id, deviceNumber, focus: pickProduct(rng) };
}
