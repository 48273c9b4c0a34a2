/**
 * Devices: everything an event inherits from the browser that sent it (device_id, User-Agent,
 * IP, screen, store, login), a pure function of (seed, device number). Many devices share an IP
 * (carrier NAT, offices), a few percent are bots, and some clocks are years off.
 */
import { ipv4, ipv6 } from "./ip_addresses.ts";
import { Rng, WeightedPicker, zipfWeight } from "./prng.ts";
import { type Store, STORE_PICKER } from "./stores.ts";
import { type AgentKind, pickUserAgent, type UserAgentEntry } from "./user_agents.ts";

/** The browser behind a stream of events. */
export interface Device {
  readonly number: number;
  /** A UUID, the Kafka message key of all its events. */
  readonly id: string;
  readonly userAgent: UserAgentEntry;
  readonly ip: string;
  readonly resolution: string;
  readonly store: Store;
  /** Shop user id when logged in, else "". */
  readonly userIdDb: string;
  /** Synthetic address on example domains when known, else "". */
  readonly email: string;
  /** Client clock minus real time, in seconds. */
  readonly clockSkewSeconds: number;
}

const SCREENS: Readonly<Record<AgentKind, readonly string[]>> = {
  desktop: ["1920x1080", "1366x768", "1536x864", "1440x900", "1280x720", "2560x1440", "1600x900"],
  mobile: ["360x640", "360x760", "412x869", "393x851", "360x780", "412x915"],
  tablet: ["768x1024", "810x1080", "800x1280", "1024x1366"],
  bot: ["", "", "800x600", "1024x768"],
};

const IPHONE_SCREENS = ["375x667", "414x896", "375x812", "414x736", "320x568"];
const FIRST = ["anna", "lena", "marie", "sophie", "julia", "lucas", "paul", "jan", "tom", "emma"];
const LAST = ["mueller", "schmidt", "martin", "rossi", "garcia", "jansen", "smith", "nowak"];
const MAIL = ["example.com", "example.de", "example.fr", "example.net", "example.org"];

const SHARED_IPS = 20_000;
let sharedIpPicker: WeightedPicker<number> | undefined;

function uuid(rng: Rng): string {
  const hex = Array.from({ length: 4 }, () => rng.nextU32().toString(16).padStart(8, "0")).join("");
  const variant = "89ab"[rng.int(4)] ?? "8";
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${
    hex.slice(17, 20)
  }-${hex.slice(20, 32)}`;
}

function deviceIp(seed: number, rng: Rng): string {
  if (rng.chance(0.005)) return ipv6(rng);
  if (!rng.chance(0.4)) return ipv4(rng);
  sharedIpPicker ??= new WeightedPicker(
    Array.from({ length: SHARED_IPS }, (_, i) => [i, zipfWeight(i, 0.8)] as const),
  );
  return ipv4(new Rng(seed, 0x1b, sharedIpPicker.pick(rng)));
}

function skew(rng: Rng): number {
  if (!rng.chance(0.006)) return rng.range(-90, 90);
  const years = rng.pick([-3, -2, -1, 1, 2]);
  return years * 365 * 86_400 + rng.range(0, 200) * 86_400;
}

/** The device of number `number` in the world of `seed`. */
export function deviceAt(seed: number, number: number): Device {
  const rng = new Rng(seed, 0xde, number);
  const userAgent = pickUserAgent(rng);
  const loggedIn = userAgent.kind !== "bot" && rng.chance(0.05);
  const first = rng.pick(FIRST);
  return {
    number,
    id: uuid(rng),
    userAgent,
    ip: deviceIp(seed, rng),
    resolution: rng.pick(
      userAgent.value.includes("iPhone") ? IPHONE_SCREENS : SCREENS[userAgent.kind],
    ),
    store: STORE_PICKER.pick(rng),
    userIdDb: loggedIn ? String(rng.range(10_000, 2_000_000)) : "",
    email: loggedIn || rng.chance(0.01)
      ? `${first}.${rng.pick(LAST)}${rng.chance(0.5) ? rng.range(1, 99) : ""}@${rng.pick(MAIL)}`
      : "",
    clockSkewSeconds: skew(rng),
  };
}
