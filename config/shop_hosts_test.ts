import assert from "node:assert/strict";
import { storeOrigin, STORES } from "../tools/produce/stores.ts";
import { AllowList } from "../actors/crawler/allow_list.ts";
import { SHOP_HOSTS } from "./shop_hosts.ts";

Deno.test("the default allow-list covers every store the event generator emits", () => {
  const allowList = new AllowList(SHOP_HOSTS);
  for (const store of STORES) {
    const url = `${storeOrigin(store)}/${store.paths[0] ?? ""}ring.html`;
    assert.ok(allowList.check(url), url);
  }
  assert.equal(new Set(SHOP_HOSTS).size, STORES.length);
});
