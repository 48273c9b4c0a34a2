/**
 * The pipeline's supervision tree, declared once: strategies, restart intensities and the ordered
 * children. Children start in this order (downstream before upstream, the writer before anything
 * that sends to it) and stop in reverse. The ingest group keeps the batcher beside the consumer it
 * restarts, so the batcher stops before the enrichers that send to it: when the deadline cut the
 * drain, an enricher still sending ends with the stop (nothing restarts once the tree's stop began;
 * see `Supervised.beginStop`), and its chunk, never acknowledged, is read again at the next start.
 *
 *   pipeline  one_for_one, 3 restarts in 60 s, then the process exits 1
 *   ├── geoip      builds a changed range table; the swap is broadcast to the enrichers (¹)
 *   ├── writer     owns the warehouse
 *   ├── exporter   owns the lake; asks the writer for each warehouse step (¹)
 *   ├── enricher   ENRICHERS Workers
 *   ├── ingest     rest_for_one, 3 restarts in 60 s, then up to the pipeline
 *   │   ├── batcher    its open batch dies with it ...
 *   │   └── consumer   ... so the consumer restarts with it and re-reads from the last commit
 *   └── crawler    temporary: one_for_one with no restarts; when it gives up, crawling stops
 *       └── crawler#0..n                                            and ingestion goes on
 *
 * (¹) On demand: a Worker only while a check or an export runs, none in between (`idle`, which is
 * not down); see `ON_DEMAND` in pipeline_actors.ts.
 */
import { CRAWLER_SHUTDOWN_MS, type CrawlerPool } from "../actors/crawler/crawler_pool.ts";
import { type ChildSpec, Supervisor } from "../actors/runtime/supervisor.ts";
import type { PipelineActors } from "./pipeline_actors.ts";

/** The tree over `actors` (and the crawler's pool, when it runs). */
export function pipelineTree(actors: PipelineActors, crawler: CrawlerPool | undefined): Supervisor {
  const ingest = new Supervisor({
    name: "ingest",
    strategy: "rest_for_one",
    maxRestarts: 3,
    withinMs: 60_000,
    children: [{ child: actors.batcher }, { child: actors.consumer }],
  });
  const crawling: ChildSpec[] = crawler === undefined ? [] : [{
    child: crawler.tree,
    restart: "temporary",
    shutdownMs: CRAWLER_SHUTDOWN_MS,
    onGiveUp: (error) => crawler.giveUp(error),
  }];
  return new Supervisor({
    name: "pipeline",
    strategy: "one_for_one",
    maxRestarts: 3,
    withinMs: 60_000,
    children: [
      { child: actors.geoip },
      { child: actors.writer },
      { child: actors.exporter },
      { child: actors.enrichers },
      { child: ingest },
      ...crawling,
    ],
  });
}
