/**
 * Realistic clickstream messages for the enricher benchmark: the event mix, field shapes and
 * sizes of EVENTS.md (~830 bytes), with a Zipf-distributed pool of distinct User-Agents, so a
 * UA cache sees the hit rate it would see in production. Deterministic for a given seed.
 */

import { seededRandom } from "../../tools/produce/prng.ts";
import type { KafkaMessage } from "./enrich_batch.ts";

const WEBKIT = "AppleWebKit/537.36 (KHTML, like Gecko)";
const SAFARI = "AppleWebKit/605.1.15 (KHTML, like Gecko)";
const ANDROID_MODELS = [
  "SM-G991B",
  "SM-A505FN",
  "SM-G973F",
  "SM-A515F",
  "SM-G960F",
  "SM-T510",
  "Pixel 4",
  "ONEPLUS A6013",
  "Redmi Note 8 Pro",
  "HUAWEI P30",
  "moto g(7)",
  "CPH2015",
];
const BOTS = [
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
  "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
  "Mozilla/5.0 (compatible; AhrefsBot/6.1; +http://ahrefs.com/robot/)",
  "curl/7.68.0",
  "python-requests/2.23.0",
];

/** The `i`-th distinct User-Agent of the pool (any i >= 0 gives a valid, distinct UA). */
export function sampleUserAgent(i: number): string {
  if (i < BOTS.length) return BOTS[i] ?? "curl/7.68.0";
  // k varies a version field that no other k shares within one template.
  const k = Math.floor((i - BOTS.length) / 6);
  const build = `${70 + (k % 14)}.0.${3000 + k}.${k % 211}`;
  const ios = `1${2 + (k % 2)}_${k % 7}`;
  switch ((i - BOTS.length) % 6) {
    case 0:
      return `Mozilla/5.0 (iPhone; CPU iPhone OS ${ios} like Mac OS X) ${SAFARI} Version/13.${
        k % 2
      } Mobile/15E${100 + k} Safari/604.1`;
    case 1: {
      const model = ANDROID_MODELS[k % ANDROID_MODELS.length] ?? "SM-G991B";
      const mobile = model === "SM-T510" ? "" : "Mobile ";
      return `Mozilla/5.0 (Linux; Android ${
        8 + (k % 4)
      }; ${model}) ${WEBKIT} Chrome/${build} ${mobile}Safari/537.36`;
    }
    case 2:
      return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${WEBKIT} Chrome/${build} Safari/537.36`;
    case 3:
      return `Mozilla/5.0 (Windows NT ${k % 2 ? "10.0" : "6.1"}; Win64; x64; rv:${
        60 + (k % 18)
      }.0) Gecko/20100101 Firefox/${60 + (k % 18)}.${Math.floor(k / 18)}`;
    case 4:
      return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_${
        k % 7
      }) ${SAFARI} Version/13.1.${k} Safari/605.1.15`;
    default:
      return `Mozilla/5.0 (iPhone; CPU iPhone OS ${ios} like Mac OS X) ${SAFARI} Mobile/15E148 [FBAN/FBIOS;FBAV/${
        250 + k
      }.0.0.${k % 50};FBBV/${200_000_000 + k};FBDV/iPhone11,8;FBMD/iPhone;FBSN/iOS;FBSV/13.${
        k % 7
      };FBSS/2;FBID/phone;FBLC/de_DE;FBOP/5]`;
  }
}

/** Draws ranks 0..n-1 with Zipf weights 1/(rank+1)^s (inverse CDF over a prefix table). */
function zipf(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cdf[k] = total += 1 / Math.pow(k + 1, s);
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] ?? 0) < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function deviceId(random: () => number): string {
  const hex = (n: number) => Math.floor(random() * 16 ** n).toString(16).padStart(n, "0");
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(6)}${hex(6)}`;
}

const STORES = [["6", "de"], ["7", "co.uk"], ["12", "fr"], ["10", "ch"], ["41", "com"]] as const;
const SLUGS = ["glamira-ring-zelda", "glamira-bague-lunette", "glamira-pendant-viami"];

function sampleEvent(random: () => number, ua: string, offset: number): Record<string, unknown> {
  const [storeId, tld] = STORES[Math.floor(random() * STORES.length)] ?? ["6", "de"];
  const product = 80_000 + Math.floor(random() * 19_400);
  const slug = SLUGS[product % SLUGS.length];
  const r = random();
  const collection = r < 0.3
    ? "view_listing_page"
    : r < 0.6
    ? "view_product_detail"
    : r < 0.97
    ? "select_product_option"
    : "checkout_success";
  const event: Record<string, unknown> = {
    time_stamp: 1_588_000_000 + Math.floor(offset / 7),
    ip: `${1 + Math.floor(random() * 222)}.${Math.floor(random() * 256)}.${
      Math.floor(random() * 256)
    }.${Math.floor(random() * 256)}`,
    user_agent: ua,
    resolution: "1920x1080",
    user_id_db: random() < 0.2 ? String(Math.floor(random() * 900_000)) : "",
    device_id: deviceId(random),
    api_version: "1.0",
    store_id: storeId,
    local_time: "2020-06-04 10:7:29",
    show_recommendation: "false",
    current_url: `https://www.glamira.${tld}/${slug}.html?alloy=white-585&diamond=sapphire`,
    referrer_url: `https://www.glamira.${tld}/ringe/?gclid=EAIaIQobChMI9f3n4vX`,
    email_address: "",
    recommendation: false,
    utm_source: false,
    utm_medium: false,
    collection,
  };
  if (collection === "view_listing_page") {
    event.option = { alloy: "white-585", diamond: "", shapediamond: "" };
  } else if (collection === "checkout_success") {
    event.order_id = random() < 0.5 ? 720_251_727 : "720251727.0";
    event.cart_products = [{
      product_id: product,
      amount: 1,
      price: "1 278,00",
      currency: "€",
      option: [{
        option_label: "alloy",
        option_id: 331,
        value_label: "Weißgold 585",
        value_id: 3216,
      }],
    }];
  } else {
    event.product_id = String(product);
    event.option = [
      { option_label: "alloy", option_id: "331", value_label: "white-585", value_id: "3216" },
      { option_label: "diamond", option_id: "332", value_label: "sapphire", value_id: "3225" },
    ];
  }
  return event;
}

/** Options of `sampleMessages`. */
export interface SampleOptions {
  /** Distinct User-Agents in the pool (Zipf-drawn). */
  readonly distinctUserAgents: number;
  readonly seed: number;
}

/** `count` encoded messages on `clicks`/0 from offset 0. */
export function sampleMessages(count: number, options: SampleOptions): KafkaMessage[] {
  const random = seededRandom(options.seed);
  const pickUa = zipf(options.distinctUserAgents, 1.1, random);
  const encoder = new TextEncoder();
  const messages: KafkaMessage[] = new Array(count);
  for (let offset = 0; offset < count; offset++) {
    const event = sampleEvent(random, sampleUserAgent(pickUa()), offset);
    messages[offset] = {
      topic: "clicks",
      partition: 0,
      offset,
      timestampMs: 1_588_000_000_000 + offset,
      key: null,
      value: encoder.encode(JSON.stringify(event)),
    };
  }
  return messages;
}
