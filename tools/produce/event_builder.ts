/**
 * Builds one clean clickstream event, a plain object with the fields of EVENTS.md shaped as the
 * real producers send them, from its context: device, session, event type, time and a seeded
 * random source. Fields are in the order the shop's tracker writes them.
 */
import { cartProducts, orderId } from "./cart.ts";
import type { Collection } from "./collections.ts";
import type { Device } from "./devices.ts";
import { listingOption, optionArray, qualityOption, recommendOption } from "./options.ts";
import { formatPrice } from "./prices.ts";
import type { Rng } from "./prng.ts";
import { pickProduct, type Product, productUrl } from "./products.ts";
import type { Session } from "./sessions.ts";
import * as Pages from "./site_pages.ts";

/** A generated event: JSON-ready plain data. */
export type ClickEvent = Record<string, unknown>;

/** Everything one event is made of. */
export interface EventContext {
  readonly seed: number;
  readonly rng: Rng;
  readonly device: Device;
  readonly session: Session;
  readonly collection: Collection;
  /** Event time, epoch seconds UTC. */
  readonly timeStamp: number;
}

const UTM_SOURCES = ["google", "facebook", "newsletter", "criteo", "pinterest", "bing"];
const UTM_MEDIUMS = ["cpc", "social", "email", "display", "affiliate"];
// Fields a sloppy client sometimes leaves out entirely.
const SOMETIMES_MISSING = ["referrer_url", "show_recommendation", "resolution", "email_address"];

/** Shop-local time as the client writes it: date padded, time not ("2020-06-04 10:7:29"). */
export function localTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${
    pad(d.getUTCDate())
  } ${d.getUTCHours()}:${d.getUTCMinutes()}:${d.getUTCSeconds()}`;
}

function price(ctx: EventContext, product: Product): string {
  const store = ctx.device.store;
  const factor = 0.8 + ctx.rng.next() * 0.8;
  return formatPrice(product.priceEur * store.rate * factor, store.format, store.decimals);
}

function recommendation(ctx: EventContext, clicked: boolean): ClickEvent {
  const { rng } = ctx;
  const position = rng.range(1, 12);
  const fields: ClickEvent = {
    recommendation_product_id: String(pickProduct(rng).id),
    recommendation_product_position: rng.chance(0.6) ? position : String(position),
  };
  if (clicked) fields.recommendation_clicked_position = position;
  return fields;
}

function specific(ctx: EventContext, product: Product): ClickEvent {
  const { rng, device, collection, seed, session } = ctx;
  const store = device.store;
  const productPage = () => productUrl(rng, product, store);
  const id = String(product.id);
  switch (collection) {
    case "view_product_detail":
      return {
        current_url: productPage(),
        product_id: id,
        option: optionArray(rng, product, false),
      };
    case "select_product_option":
    case "add_to_cart_action":
      return {
        current_url: productPage(),
        product_id: id,
        option: optionArray(rng, product, true),
        price: price(ctx, product),
        currency: store.currency,
      };
    case "select_product_option_quality":
      return {
        current_url: productPage(),
        product_id: id,
        option: qualityOption(rng, product),
        price: price(ctx, product),
        currency: store.currency,
      };
    case "back_to_product_action":
      return { current_url: productPage(), product_id: id };
    case "view_all_recommend":
      return {
        current_url: Pages.recommendationList(rng, store, product.id),
        product_id: id,
        option: recommendOption(rng),
      };
    case "product_view_all_recommend_clicked":
      return {
        current_url: Pages.recommendationList(rng, store, product.id),
        referrer_url: productPage(),
        viewing_product_id: id,
        recommendation: true,
        ...recommendation(ctx, true),
      };
    case "product_detail_recommendation_visible":
    case "product_detail_recommendation_noticed":
    case "product_detail_recommendation_clicked":
      return {
        current_url: productPage(),
        viewing_product_id: id,
        recommendation: true,
        ...recommendation(ctx, collection.endsWith("clicked")),
      };
    case "listing_page_recommendation_visible":
    case "listing_page_recommendation_noticed":
    case "listing_page_recommendation_clicked": {
      const page = Pages.listingPage(rng, store);
      return {
        current_url: page.url,
        cat_id: page.catId,
        recommendation: true,
        ...recommendation(ctx, collection.endsWith("clicked")),
      };
    }
    case "landing_page_recommendation_visible":
    case "landing_page_recommendation_noticed":
    case "landing_page_recommendation_clicked": {
      const page = Pages.landingPage(rng, store);
      return {
        current_url: page.url,
        collect_id: page.collectId,
        recommendation: true,
        ...recommendation(ctx, collection.endsWith("clicked")),
      };
    }
    case "view_listing_page":
    case "view_sorting_relevance":
    case "sorting_relevance_click_action": {
      const page = Pages.listingPage(rng, store);
      return { current_url: page.url, cat_id: page.catId, option: listingOption(rng) };
    }
    case "view_landing_page": {
      const page = Pages.landingPage(rng, store);
      return { current_url: page.url, collect_id: page.collectId };
    }
    case "view_home_page":
      return { current_url: Pages.storePage(rng, store, "home") };
    case "view_static_page":
      return { current_url: Pages.storePage(rng, store, "static") };
    case "view_my_account":
      return { current_url: Pages.storePage(rng, store, "account") };
    case "search_box_action": {
      const term = rng.pick(Pages.SEARCH_TERMS);
      return { current_url: Pages.searchPage(rng, store, term), key_search: term };
    }
    case "view_shopping_cart":
      return {
        current_url: Pages.storePage(rng, store, "cart"),
        cart_products: cartProducts(seed, session.id, session.focus, store, collection),
      };
    case "checkout":
      return {
        current_url: Pages.storePage(rng, store, "checkout"),
        cart_products: cartProducts(seed, session.id, session.focus, store, collection),
        order_id: orderId(seed, session.id, collection),
      };
    case "checkout_success":
      return {
        current_url: Pages.storePage(rng, store, "success"),
        cart_products: cartProducts(seed, session.id, session.focus, store, collection),
        order_id: orderId(seed, session.id, collection),
        is_paypal: rng.chance(0.25),
      };
    default: {
      const unhandled: never = collection;
      throw new TypeError(`No event shape for collection ${String(unhandled)}`);
    }
  }
}

/** The event of `ctx`, with the common fields first and the type's own fields after. */
export function buildEvent(ctx: EventContext): ClickEvent {
  const { rng, device, collection } = ctx;
  const store = device.store;
  const product = rng.chance(0.7) ? ctx.session.focus : pickProduct(rng);
  const campaign = rng.chance(collection === "view_landing_page" ? 0.4 : 0.05);
  const event: ClickEvent = {
    time_stamp: ctx.timeStamp,
    ip: device.ip,
    user_agent: device.userAgent.value,
    resolution: device.resolution,
    user_id_db: device.userIdDb,
    device_id: device.id,
    api_version: "1.0",
    store_id: store.id,
    local_time: localTime(ctx.timeStamp + store.utcOffsetHours * 3600 + device.clockSkewSeconds),
    show_recommendation: rng.chance(0.3) ? "true" : "false",
    current_url: "",
    referrer_url: Pages.referrer(rng, store),
    email_address: device.email,
    recommendation: false,
    utm_source: campaign ? rng.pick(UTM_SOURCES) : false,
    utm_medium: campaign ? rng.pick(UTM_MEDIUMS) : false,
    collection,
    ...specific(ctx, product),
  };
  if (rng.chance(0.02)) delete event[rng.pick(SOMETIMES_MISSING)];
  return event;
}
