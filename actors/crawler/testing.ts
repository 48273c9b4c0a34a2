/**
 * Test helpers of the crawler: an in-memory catalog, a local shop server on 127.0.0.1 that
 * records every request it gets, and options that keep retries and backoff fast.
 */

import { abortableSleep } from "./abortable_sleep.ts";
import type { CrawlCatalog } from "./crawler.ts";
import type { CrawlerOptions } from "./crawler_options.ts";
import type { CrawlResult, ProductToCrawl } from "../../messages/crawler.ts";

/** A product's catalog state. */
export interface CatalogEntry {
  readonly productId: string;
  readonly url: string;
  attempts: number;
  done: boolean;
  httpStatus: number | null;
  productName: string | null;
}

/** The crawler's catalog interface over a Map, first inserted first. */
export class MemoryCatalog implements CrawlCatalog {
  readonly entries = new Map<string, CatalogEntry>();
  /** Limits asked for, in order. */
  readonly asked: number[] = [];

  constructor(products: readonly { productId: string; url: string }[]) {
    for (const p of products) {
      this.entries.set(p.productId, {
        ...p,
        attempts: 0,
        done: false,
        httpStatus: null,
        productName: null,
      });
    }
  }

  uncrawledProducts(limit: number): Promise<ProductToCrawl[]> {
    this.asked.push(limit);
    const todo = [...this.entries.values()].filter((e) => !e.done).slice(0, limit);
    return Promise.resolve(
      todo.map((e) => ({ productId: e.productId, url: e.url, attempts: e.attempts })),
    );
  }

  mergeCrawlResults(results: readonly CrawlResult[]): Promise<number> {
    let updated = 0;
    for (const r of results) {
      const entry = this.entries.get(r.productId);
      if (entry === undefined) continue;
      entry.attempts++;
      entry.done = r.done;
      entry.httpStatus = r.httpStatus;
      entry.productName = r.productName ?? entry.productName;
      updated++;
    }
    return Promise.resolve(updated);
  }

  /** The entry of `productId`; throws for an unknown one. */
  get(productId: string): CatalogEntry {
    const entry = this.entries.get(productId);
    if (entry === undefined) throw new RangeError(`No product ${productId} in the test catalog`);
    return entry;
  }
}

/** A request the shop received. */
export interface ShopRequest {
  readonly path: string;
  readonly atMs: number;
  readonly userAgent: string | null;
}

/** Answers one request; `closing` aborts when the shop shuts down (for handlers that hang). */
export type ShopHandler = (
  request: Request,
  url: URL,
  closing: AbortSignal,
) => Response | Promise<Response>;

/** A local HTTP server standing in for a country store. */
export class TestShop {
  readonly requests: ShopRequest[] = [];
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #closing = new AbortController();

  constructor(handler: ShopHandler) {
    this.#server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: () => {},
    }, (request) => {
      const url = new URL(request.url);
      this.requests.push({
        path: url.pathname + url.search,
        atMs: performance.now(),
        userAgent: request.headers.get("user-agent"),
      });
      return handler(request, url, this.#closing.signal);
    });
  }

  /** `127.0.0.1:<port>`, the allow-list entry of this shop. */
  get host(): string {
    return `127.0.0.1:${this.#server.addr.port}`;
  }

  /** `http://127.0.0.1:<port>`. */
  get origin(): string {
    return `http://${this.host}`;
  }

  /** Requests whose path starts with `prefix`. */
  count(prefix: string): number {
    return this.requests.filter((r) => r.path.startsWith(prefix)).length;
  }

  /** Releases hanging handlers and stops the server. */
  async close(): Promise<void> {
    this.#closing.abort();
    await this.#server.shutdown();
  }
}

/** Waits until `closing` aborts, then answers 504 (a handler slower than any timeout). */
export async function hang(closing: AbortSignal): Promise<Response> {
  await new Promise((resolve) => closing.addEventListener("abort", resolve, { once: true }));
  return new Response("too late", { status: 504 });
}

/** Retry waits recorded and skipped (the run proceeds at once, still abortable). */
export function recordedWaits(): {
  waits: number[];
  wait: (ms: number, signal: AbortSignal) => Promise<void>;
} {
  const waits: number[] = [];
  return { waits, wait: (ms, signal) => (waits.push(ms), abortableSleep(0, signal)) };
}

/** Crawler options for tests: the given hosts allowed, fast limits, tiny backoff. */
export function testOptions(
  allowedHosts: readonly string[],
  overrides: Partial<CrawlerOptions> = {},
): CrawlerOptions {
  return {
    allowedHosts,
    userAgent: "GlamiraNameBot/1.0 (+https://example.org/bot)",
    concurrency: 8,
    hostConcurrency: 4,
    ratePerHost: 10_000,
    timeoutMs: 2_000,
    maxBytes: 1_000_000,
    maxTries: 3,
    baseDelayMs: 1,
    maxDelayMs: 4,
    random: () => 0.5,
    ...overrides,
  };
}
