/**
 * Every module the pipeline runs in a Deno Worker, declared once. The pipeline and the crawler
 * pool spawn them by name from here, and `deno task compile` names each one with `--include`: a
 * compiled binary holds only the modules it was told about, because Workers load by URL at run
 * time. A test starts the pipeline and fails when it spawns a module that is not declared here.
 */

/** Worker modules by actor, as paths from the repository root. */
export const WORKER_MODULES = {
  geoip: "actors/geoip/geoip_actor.ts",
  writer: "actors/writer/writer_actor.ts",
  exporter: "actors/exporter/exporter_actor.ts",
  batcher: "actors/batcher/batcher_actor.ts",
  enricher: "actors/enricher/enricher_actor.ts",
  consumer: "actors/consumer/consumer_actor.ts",
  crawler: "actors/crawler/crawler_actor.ts",
} as const;

/** The name of a declared Worker module. */
export type WorkerModule = keyof typeof WORKER_MODULES;

/** The repository root, as a file: URL ending in "/". */
const ROOT = new URL("../", import.meta.url);

/** The URL a Worker of `name` is started from. */
export function workerModuleUrl(name: WorkerModule): string {
  return new URL(WORKER_MODULES[name], ROOT).href;
}

/** The declared module a URL names, or undefined when it is not declared. */
export function declaredWorkerModule(url: string): WorkerModule | undefined {
  const names = Object.keys(WORKER_MODULES) as WorkerModule[];
  return names.find((name) => workerModuleUrl(name) === url);
}
