/**
 * One HTTP request of the crawler, never more: redirects are not followed but returned, so the
 * caller checks each hop against the allow-list before requesting it. The whole request, body
 * included, is bounded by a timeout, and the body by a byte cap at which reading stops and the
 * connection closes (see http_get.ts).
 */

import { readCappedBody } from "./capped_body.ts";
import { httpGet, HttpGetError } from "./http_get.ts";

/** Limits and identity of one request. */
export interface FetchLimits {
  readonly userAgent: string;
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

/** What one request brought. */
export type FetchOutcome =
  | {
    readonly kind: "response";
    readonly status: number;
    /** The body (only read for 2xx; empty otherwise), cut at the byte cap. */
    readonly body: string;
    readonly truncated: boolean;
    readonly retryAfter: string | null;
    /** Bytes received on the connection (head, body as sent). */
    readonly receivedBytes: number;
  }
  | { readonly kind: "redirect"; readonly status: number; readonly location: string }
  | { readonly kind: "timeout" }
  | { readonly kind: "network"; readonly message: string };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Sends one GET; rejects only when `signal` aborts (the crawler stopping). */
export async function fetchOnce(
  url: URL,
  limits: FetchLimits,
  signal: AbortSignal,
): Promise<FetchOutcome> {
  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new DOMException("crawl timeout", "TimeoutError")),
    limits.timeoutMs,
  );
  const both = AbortSignal.any([signal, timeout.signal]);
  try {
    const response = await httpGet(
      url,
      { "user-agent": limits.userAgent, accept: "text/html,*/*;q=0.5" },
      both,
    );
    const location = response.headers.get("location");
    if (REDIRECTS.has(response.status) && location !== null) {
      await response.body.cancel();
      return { kind: "redirect", status: response.status, location: resolve(location, url) };
    }
    const ok = response.status >= 200 && response.status <= 299;
    const body = ok ? await readCappedBody(response.body, limits.maxBytes) : undefined;
    if (!ok) await response.body.cancel();
    return {
      kind: "response",
      status: response.status,
      body: body?.text ?? "",
      truncated: body?.truncated ?? false,
      retryAfter: response.headers.get("retry-after"),
      receivedBytes: response.received(),
    };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (timeout.signal.aborted) return { kind: "timeout" };
    if (error instanceof HttpGetError) return { kind: "network", message: error.message };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** The absolute form of a Location header; an unparsable one yields a URL nothing allows. */
function resolve(location: string, base: URL): string {
  try {
    return new URL(location, base).href;
  } catch (error) {
    if (error instanceof TypeError) return "invalid:";
    throw error;
  }
}
