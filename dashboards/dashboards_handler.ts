/**
 * The dashboards under `/dashboards` (the control server mounts `handle` behind its token):
 * one page per dashboard of the original, their JSON from Gold, and the static assets they
 * load (Chart.js vendored in `assets/`, the page script and styles). Read-only.
 */
import { fileURLToPath } from "node:url";
import type { Config } from "../config/config.ts";
import type { Route } from "../control/control_routes.ts";
import { readLastModelsRun } from "../tools/models/models_run.ts";
import { absolute, modelsTarget } from "../tools/models/models_target.ts";
import { modelsRunInfo, pageData } from "./dashboard_data.ts";
import { dashboardPage, withToken } from "./dashboard_page.ts";
import { PAGES } from "./dashboard_specs.ts";
import { GoldMissingError, GoldReader } from "./gold_reader.ts";

/** Where the dashboards read from. */
export interface DashboardsOptions {
  /** The lake folder whose `gold/` the models wrote; undefined when Gold is on BigQuery. */
  readonly lake: string | undefined;
  /** The models' state folder (its `last_run.json` says when Gold was built). */
  readonly stateDir: string;
}

/** A mounted dashboards app. */
export interface Dashboards {
  /** Answers a request whose path starts with `/dashboards` (already authorized). */
  handle(request: Request): Promise<Response>;
  /** The control server's route for it: every GET under `/dashboards`, a page (`?token=`). */
  readonly route: Route;
  /** Releases the Gold reader. */
  close(): Promise<void>;
}

const ASSETS: Readonly<Record<string, string>> = {
  "chart.umd.min.js": "text/javascript; charset=utf-8",
  "dashboards.js": "text/javascript; charset=utf-8",
  "dashboards.css": "text/css; charset=utf-8",
  "status.js": "text/javascript; charset=utf-8",
  "status.css": "text/css; charset=utf-8",
};
const ASSETS_DIR = fileURLToPath(new URL("./assets", import.meta.url));
const SECURITY = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
};

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body) + "\n", {
    status,
    headers: { ...SECURITY, "content-type": "application/json; charset=utf-8" },
  });

/** The dashboards over `options`' Gold. */
export function dashboards(options: DashboardsOptions): Dashboards {
  const reader = options.lake === undefined ? undefined : new GoldReader(options.lake);
  // One query at a time on the shared in-memory connection.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  async function data(slug: string): Promise<Response> {
    const spec = PAGES.find((p) => p.slug === slug);
    if (spec === undefined) return json(404, { error: `No dashboard ${slug}` });
    if (reader === undefined) {
      return json(501, {
        error: "Gold is in BigQuery on this configuration: the dashboards read the embedded " +
          "target's Gold Parquet; point a BI tool at the gold dataset instead",
      });
    }
    try {
      const run = modelsRunInfo(await readLastModelsRun(options.stateDir));
      return json(200, await serial(() => pageData(spec, reader, run)));
    } catch (error) {
      if (error instanceof GoldMissingError) return json(503, { error: error.message });
      throw error;
    }
  }

  async function asset(name: string): Promise<Response> {
    const type = ASSETS[name];
    if (type === undefined) return json(404, { error: `No asset ${name}` });
    return new Response(await Deno.readFile(`${ASSETS_DIR}/${name}`), {
      headers: { ...SECURITY, "content-type": type },
    });
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (request.method !== "GET") {
      return json(405, {
        error: `${request.method} ${url.pathname}: the dashboards are GET only`,
      });
    }
    const token = url.searchParams.get("token");
    const path = url.pathname.replace(/\/+$/, "");
    if (path === "/dashboards") {
      return new Response(null, {
        status: 302,
        headers: { location: withToken(`/dashboards/${PAGES[0]?.slug ?? ""}`, token) },
      });
    }
    const dataMatch = /^\/dashboards\/data\/([a-z]+)\.json$/.exec(path);
    if (dataMatch?.[1] !== undefined) return await data(dataMatch[1]);
    const assetMatch = /^\/dashboards\/assets\/([a-z0-9.]+)$/.exec(path);
    if (assetMatch?.[1] !== undefined) return await asset(assetMatch[1]);
    const spec = PAGES.find((p) => path === `/dashboards/${p.slug}`);
    if (spec === undefined) {
      return json(404, {
        error: `No dashboard at ${url.pathname}; try ${
          PAGES.map((p) => `/dashboards/${p.slug}`).join(", ")
        }`,
      });
    }
    return new Response(dashboardPage(spec, token), {
      headers: { ...SECURITY, "content-type": "text/html; charset=utf-8" },
    });
  }

  return {
    handle,
    route: { method: "GET", path: "/dashboards/*", access: "token", page: true, handle },
    close: async () => await reader?.close(),
  };
}

/** The dashboards of a pipeline configured by `config` (its models target's lake and state). */
export function dashboardsFor(config: Config): Dashboards {
  try {
    const target = modelsTarget(config);
    return dashboards({ lake: target.lake, stateDir: target.stateDir });
  } catch (error) {
    // A DuckDB warehouse over a gs:// lake has no embedded Gold to show.
    if (!(error instanceof RangeError)) throw error;
    return dashboards({ lake: undefined, stateDir: `${absolute(config.dataDir)}/models` });
  }
}
