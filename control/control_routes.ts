/**
 * The control plane's routes as data: method, path, who may call it, and the handler. The server
 * (control_server.ts) applies the access rules; adding a page is adding one `Route` (a path
 * ending in `/*` mounts a handler on everything under it).
 */
import { STATUS_PAGE_CSP, statusPage } from "./status_page.ts";

/**
 * A handler cannot answer yet (the pipeline is starting): answered 503 with this message, which
 * says why (unlike other failures, whose text stays in the log).
 */
export class Unavailable extends Error {
  override name = "Unavailable";
}

/**
 * What the control server asks of the running pipeline. Any handler may throw `Unavailable`
 * while the pipeline starts.
 */
export interface ControlHandlers {
  /** Runs an export to completion; throws when it fails (logged, answered with an id). */
  export(): Promise<unknown>;
  /**
   * Live: the process runs and its supervision tree is up; `stalled` names stuck stages,
   * `reason` says why not live.
   */
  live(): { live: boolean; stalled?: readonly unknown[]; reason?: string };
  /** Ready: consuming and not stalled; `reason` says why not. */
  ready(): { ready: boolean; reason?: string };
  /** Prometheus text. */
  metrics(): string;
  /** JSON snapshot of the supervision tree and pipeline state. */
  status(): Record<string, unknown>;
}

/** One route of the control server. */
export interface Route {
  readonly method: "GET" | "POST";
  /** An exact path, or a prefix ending in `/*` that also matches the prefix itself. */
  readonly path: string;
  /**
   * `probe`: open on a loopback bind (orchestrator probes); `token`: the bearer token in the
   * `Authorization` header. Off loopback every route needs the token.
   */
  readonly access: "probe" | "token";
  /** An HTML page a browser opens: a GET may also carry the token as `?token=`. */
  readonly page?: boolean;
  /** Also served without a token on `METRICS_PORT` when the operator sets one. */
  readonly scrape?: boolean;
  readonly handle: (request: Request, url: URL) => Response | Promise<Response>;
}

/** A JSON response. */
export const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body, null, 2) + "\n", {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });

/** Whether `route` answers `method path`. */
export function routeMatches(route: Route, method: string, path: string): boolean {
  if (route.method !== method) return false;
  if (!route.path.endsWith("/*")) return route.path === path;
  const prefix = route.path.slice(0, -2);
  return path === prefix || path.startsWith(prefix + "/");
}

/** The pipeline's routes. */
export function controlRoutes(handlers: ControlHandlers): Route[] {
  return [
    {
      method: "GET",
      path: "/health",
      access: "probe",
      scrape: true,
      handle: () => {
        const health = handlers.live();
        return json(health.live ? 200 : 503, health);
      },
    },
    {
      method: "GET",
      path: "/ready",
      access: "probe",
      scrape: true,
      handle: () => {
        const r = handlers.ready();
        return json(r.ready ? 200 : 503, r);
      },
    },
    {
      method: "GET",
      path: "/metrics",
      access: "token",
      scrape: true,
      handle: () =>
        new Response(handlers.metrics(), {
          headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
        }),
    },
    { method: "GET", path: "/status", access: "token", handle: () => json(200, handlers.status()) },
    {
      method: "GET",
      path: "/",
      access: "token",
      page: true,
      handle: (_request, url) =>
        new Response(statusPage(url.searchParams.get("token")), {
          headers: {
            "content-type": "text/html; charset=utf-8",
            "content-security-policy": STATUS_PAGE_CSP,
          },
        }),
    },
    {
      method: "POST",
      path: "/export",
      access: "token",
      handle: async () => json(200, await handlers.export()),
    },
  ];
}
