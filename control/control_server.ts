/**
 * The control plane: a small HTTP server on 127.0.0.1 only. `GET /health` and `GET /ready` are
 * open (for probes); `POST /export`, `GET /metrics`, `GET /status` and the status page `GET /`
 * need the bearer token. Handlers are injected, so the server knows nothing of the pipeline.
 */
import { getLogger } from "../observability/log.ts";
import { statusPage } from "./status_page.ts";

const log = getLogger("control");

/** What the control server asks of the running pipeline. */
export interface ControlHandlers {
  /** Runs an export to completion; throws with a message for the operator when it fails. */
  export(): Promise<unknown>;
  /** Live: the process runs and its supervision tree is up. */
  live(): boolean;
  /** Ready: consuming and not stalled; `reason` says why not. */
  ready(): { ready: boolean; reason?: string };
  /** Prometheus text. */
  metrics(): string;
  /** JSON snapshot of the supervision tree and pipeline state. */
  status(): Record<string, unknown>;
}

/** A running control server. */
export interface ControlServer {
  readonly port: number;
  /** Stops accepting and waits for open requests to finish. */
  shutdown(): Promise<void>;
}

function authorized(request: Request, url: URL, token: string): boolean {
  const header = request.headers.get("authorization");
  const given = header?.startsWith("Bearer ") ? header.slice(7) : url.searchParams.get("token");
  if (given === null || given === undefined || given.length !== token.length) return false;
  let diff = 0;
  for (let i = 0; i < token.length; i++) diff |= token.charCodeAt(i) ^ given.charCodeAt(i);
  return diff === 0;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body, null, 2) + "\n", {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });

/** Answers one request (exported for tests without a socket). */
export async function handle(
  request: Request,
  token: string,
  handlers: ControlHandlers,
): Promise<Response> {
  const url = new URL(request.url);
  const route = `${request.method} ${url.pathname}`;
  if (route === "GET /health") {
    return handlers.live() ? json(200, { live: true }) : json(503, { live: false });
  }
  if (route === "GET /ready") {
    const r = handlers.ready();
    return json(r.ready ? 200 : 503, r);
  }
  const known = ["POST /export", "GET /metrics", "GET /status", "GET /"];
  if (!known.includes(route)) {
    return json(404, { error: `No route ${route}; try ${known.join(", ")}` });
  }
  if (!authorized(request, url, token)) {
    return json(401, {
      error: "Missing or wrong token: send 'Authorization: Bearer <CONTROL_TOKEN>' " +
        "(the token is in CONTROL_TOKEN or <DATA_DIR>/control-token)",
    });
  }
  switch (route) {
    case "GET /metrics":
      return new Response(handlers.metrics(), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
      });
    case "GET /status":
      return json(200, handlers.status());
    case "GET /":
      return new Response(statusPage(handlers.status()), {
        headers: { "content-type": "text/html; charset=utf-8" },
      });
    default:
      try {
        return json(200, await handlers.export());
      } catch (error) {
        log.error("ControlExportFailed", { error });
        return json(500, { error: error instanceof Error ? error.message : String(error) });
      }
  }
}

/** Starts the server on 127.0.0.1:`port` (0 picks a free port). */
export function serveControl(
  port: number,
  token: string,
  handlers: ControlHandlers,
): ControlServer {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port, onListen: () => {} },
    (request) => handle(request, token, handlers),
  );
  const addr = server.addr;
  log.info("ControlServerListening", { url: `http://127.0.0.1:${addr.port}/` });
  return { port: addr.port, shutdown: () => server.shutdown() };
}
