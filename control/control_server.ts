/**
 * The control plane: the routes of control_routes.ts served on `CONTROL_HOST:CONTROL_PORT`
 * (loopback by default) under one access policy. On loopback, probes are open and a `Host` that
 * is not this server's own name and port gets 421 (DNS rebinding); off loopback every route
 * needs the token. The token comes from the `Authorization` header, or `?token=` for a page a
 * browser opens; it is compared in constant time. A handler's failure is logged with an id and
 * answered with the id only; a handler that cannot answer yet (starting) gets 503 saying why. With `METRICS_PORT` the `scrape` routes are also served there
 * without a token, for Prometheus and orchestrator probes.
 */
import { getLogger } from "../observability/log.ts";
import {
  type ControlHandlers,
  controlRoutes,
  json,
  type Route,
  routeMatches,
  Unavailable,
} from "./control_routes.ts";
import { MIN_TOKEN_CHARS, tokenMatches } from "./control_token.ts";
import { CONTROL_HTTP_LIMITS, type HttpLimits, type HttpServer, serveHttp } from "./http_server.ts";

export type { ControlHandlers, Route };
export { Unavailable };

const log = getLogger("control");

/** Where and what the control server serves. */
export interface ControlServerOptions {
  /** Address to bind (`CONTROL_HOST`). */
  readonly host: string;
  /** Port (`CONTROL_PORT`; 0 picks a free one). */
  readonly port: number;
  readonly token: string;
  readonly routes: readonly Route[];
  /** A second port for the `scrape` routes without a token (`METRICS_PORT`); none when unset. */
  readonly metricsPort?: number | undefined;
  /**
   * Ask for the token on every route even on a loopback bind, as off loopback (for a loopback
   * port published beyond the machine, e.g. by a proxy; and for tests, which bind loopback only).
   */
  readonly requireTokenEverywhere?: boolean;
  readonly limits?: HttpLimits;
}

/** A running control server. */
export interface ControlServer {
  readonly port: number;
  /** The metrics port, when one was asked for. */
  readonly metricsPort: number | undefined;
  /** Stops accepting and waits for open requests to finish. */
  shutdown(): Promise<void>;
}

/** Whether `hostname` names this machine's loopback interface. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Who may call what on one listener. */
interface Policy {
  readonly routes: readonly Route[];
  readonly token: string;
  /** Whether a route is served without the token here. */
  readonly open: (route: Route) => boolean;
  /** `Host` values accepted (lower case); undefined: any. */
  readonly hosts: ReadonlySet<string> | undefined;
}

const SECURITY_HEADERS: Record<string, string> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
};

/** `response` with the security headers it does not set itself (its own headers may be immutable). */
function withSecurityHeaders(response: Response): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (!headers.has(name)) headers.set(name, value);
  }
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

/** The bearer token a request carries for `route`: the header, or `?token=` for a page. */
function givenToken(request: Request, url: URL, route: Route): string | undefined {
  const header = request.headers.get("authorization");
  if (header !== null) return /^Bearer (.+)$/i.exec(header)?.[1];
  if (route.page === true && request.method === "GET") {
    return url.searchParams.get("token") ?? undefined;
  }
  return undefined;
}

/** Answers one request under `policy`. */
export function controlHandler(policy: Policy): (request: Request) => Promise<Response> {
  return async (request) => withSecurityHeaders(await answer(request, policy));
}

async function answer(request: Request, policy: Policy): Promise<Response> {
  const host = (request.headers.get("host") ?? "").toLowerCase();
  if (policy.hosts !== undefined && !policy.hosts.has(host)) {
    return json(421, {
      error: `Host ${JSON.stringify(host.slice(0, 100))} is not this server; use ${
        [...policy.hosts].join(" or ")
      }`,
    });
  }
  const url = new URL(request.url);
  const route = policy.routes.find((r) => routeMatches(r, request.method, url.pathname));
  if (route === undefined) {
    const allowed = policy.routes.filter((r) => routeMatches(r, r.method, url.pathname));
    if (allowed.length > 0) {
      const methods = allowed.map((r) => r.method).join(", ");
      return new Response(null, { status: 405, headers: { allow: methods } });
    }
    const known = policy.routes.map((r) => `${r.method} ${r.path}`).join(", ");
    return json(404, { error: `No route ${request.method} ${url.pathname}; try ${known}` });
  }
  if (!policy.open(route)) {
    const given = givenToken(request, url, route);
    if (given === undefined || !tokenMatches(given, policy.token)) {
      const where = route.page === true
        ? "an 'Authorization: Bearer <token>' header or ?token=<token>"
        : "an 'Authorization: Bearer <token>' header";
      return new Response(
        JSON.stringify({
          error: `Missing or wrong token: send ${where} (the token is CONTROL_TOKEN or ` +
            "the contents of <DATA_DIR>/control-token)",
        }) + "\n",
        {
          status: 401,
          headers: { "content-type": "application/json", "www-authenticate": "Bearer" },
        },
      );
    }
  }
  try {
    return await route.handle(request, url);
  } catch (error) {
    if (error instanceof Unavailable) return json(503, { error: error.message });
    const id = crypto.randomUUID();
    log.error("ControlRequestFailed", { id, route: `${route.method} ${route.path}`, error });
    return json(500, {
      error: `${route.method} ${route.path} failed; the pipeline's log has the cause ` +
        `(ControlRequestFailed, id ${id})`,
      id,
    });
  }
}

/** `Host` values that name `hostname:port` (every loopback name when it is loopback). */
function ownHosts(hostname: string, port: number): ReadonlySet<string> {
  const names = new Set([hostname.toLowerCase(), "127.0.0.1", "localhost", "[::1]"]);
  const hosts = new Set<string>();
  for (const name of names) {
    const shown = name.includes(":") && !name.startsWith("[") ? `[${name}]` : name;
    hosts.add(`${shown}:${port}`);
    if (port === 80) hosts.add(shown);
  }
  return hosts;
}

/** Starts the control server (and the metrics listener when `metricsPort` is set). */
export function serveControl(options: ControlServerOptions): ControlServer {
  if (options.token.length < MIN_TOKEN_CHARS) {
    throw new RangeError(
      `Cannot serve the control plane with a token of ${options.token.length} characters: ` +
        `it needs at least ${MIN_TOKEN_CHARS}`,
    );
  }
  const loopback = isLoopback(options.host);
  const exposed = !loopback || options.requireTokenEverywhere === true;
  const limits = options.limits ?? CONTROL_HTTP_LIMITS;
  const servers: HttpServer[] = [];
  const listen = (port: number, policy: (boundPort: number) => Policy) => {
    // Requests arrive only after the port is bound, so `handle` is set by then.
    const server = serveHttp(
      { hostname: options.host, port },
      (request) => handle(request),
      limits,
    );
    const handle = controlHandler(policy(server.addr.port));
    servers.push(server);
    return server;
  };
  const hosts = (port: number) => loopback ? ownHosts(options.host, port) : undefined;
  const main = listen(options.port, (port) => ({
    routes: options.routes,
    token: options.token,
    open: (route) => exposed === false && route.access === "probe",
    hosts: hosts(port),
  }));
  const scrape = options.metricsPort === undefined ? undefined : listen(
    options.metricsPort,
    (port) => ({
      routes: options.routes.filter((r) => r.scrape === true),
      token: options.token,
      open: () => true,
      hosts: hosts(port),
    }),
  );
  const url = (port: number) => `http://${options.host}:${port}/`;
  log.info("ControlServerListening", {
    url: url(main.addr.port),
    tokenOnEveryRoute: exposed,
    ...(scrape === undefined ? {} : { metricsUrl: url(scrape.addr.port) }),
  });
  return {
    port: main.addr.port,
    metricsPort: scrape?.addr.port,
    shutdown: async () => {
      await Promise.all(servers.map((s) => s.shutdown()));
    },
  };
}

/** The pipeline's control server: its routes and any `extra` ones (pages) under `options`. */
export function servePipelineControl(
  handlers: ControlHandlers,
  options: Omit<ControlServerOptions, "routes">,
  extra: readonly Route[] = [],
): ControlServer {
  return serveControl({ ...options, routes: [...controlRoutes(handlers), ...extra] });
}
