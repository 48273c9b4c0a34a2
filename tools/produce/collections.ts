/**
 * The event types (`collection`) and their share of all events in the real data, in percent.
 * The 17 most common and checkout_success are measured; the nine rarer ones share the rest.
 */
import { WeightedPicker } from "./prng.ts";

/** Share of all events per event type, in percent (sums to 100). */
export const COLLECTION_MIX = {
  view_listing_page: 27.2,
  view_product_detail: 26.4,
  select_product_option: 21.3,
  select_product_option_quality: 5.4,
  view_static_page: 3.5,
  view_landing_page: 3.5,
  product_detail_recommendation_visible: 3.1,
  view_home_page: 2.5,
  listing_page_recommendation_visible: 1.7,
  product_detail_recommendation_noticed: 1.2,
  view_shopping_cart: 0.8,
  landing_page_recommendation_visible: 0.8,
  search_box_action: 0.6,
  add_to_cart_action: 0.45,
  product_detail_recommendation_clicked: 0.43,
  view_my_account: 0.27,
  checkout: 0.21,
  view_all_recommend: 0.12,
  back_to_product_action: 0.1,
  product_view_all_recommend_clicked: 0.08,
  view_sorting_relevance: 0.07,
  checkout_success: 0.063,
  sorting_relevance_click_action: 0.06,
  listing_page_recommendation_noticed: 0.05,
  listing_page_recommendation_clicked: 0.04,
  landing_page_recommendation_noticed: 0.03,
  landing_page_recommendation_clicked: 0.027,
} as const;

/** One of the 27 event types. */
export type Collection = keyof typeof COLLECTION_MIX;

/** Relative weights per event type; types left out keep their real share. */
export type CollectionWeights = Partial<Record<Collection, number>>;

/** Every event type, most common first. */
export const COLLECTIONS = Object.keys(COLLECTION_MIX) as Collection[];

/** A picker over the real mix, with `overrides` replacing the weight of some types. */
export function collectionPicker(overrides: CollectionWeights = {}): WeightedPicker<Collection> {
  return new WeightedPicker(
    COLLECTIONS.map((c) => [c, overrides[c] ?? COLLECTION_MIX[c]] as const),
  );
}
