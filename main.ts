/**
 * The one command-line entry of the pipeline: `main.ts <command> [args]`. The composition root
 * only: each command lives in its own module, loaded on demand so that a command needs only its
 * own permissions (the dev broker does not load DuckDB's native library, for example).
 */
import { getLogger } from "./observability/log.ts";

/** A command's module: runs with its arguments and returns the process exit code. */
interface Command {
  run(args: string[]): Promise<number>;
}

const COMMANDS: Record<string, { doc: string; load: () => Promise<Command> }> = {
  start: { doc: "run the pipeline", load: () => import("./commands/start.ts") },
  export: {
    doc: "export staging to the lake (asks the running pipeline)",
    load: () => import("./commands/export.ts"),
  },
  kafka: {
    doc: "run the local dev Kafka broker",
    load: () => import("./tools/kafka/kafka_command.ts"),
  },
  produce: {
    doc: "write generated clickstream events to Kafka",
    load: () => import("./tools/produce/produce_command.ts"),
  },
  "reset-partition": {
    doc: "start a new watermark epoch for partitions whose Kafka log was replaced",
    load: () => import("./tools/reset/reset_command.ts"),
  },
  crawl: {
    doc: "name uncrawled catalog products by crawling their pages once",
    load: () => import("./tools/crawl/crawl_command.ts"),
  },
  geoip: {
    doc: "build an IP range table or look IPs up in one",
    load: () => import("./tools/geoip/geoip_command.ts"),
  },
  launch: {
    doc: "run a command with exactly the permissions its configuration needs (the tasks do)",
    load: () => import("./commands/launch.ts"),
  },
  models: {
    doc: "build Silver and Gold with dbt and run their tests",
    load: () => import("./tools/models/models_command.ts"),
  },
  bench: {
    doc: "run a benchmark and print its figures",
    load: () => import("./bench/bench_command.ts"),
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(16)} ${c.doc}`);
  return `usage: main.ts <command> [options]\n\ncommands:\n${lines.join("\n")}\n`;
}

if (import.meta.main) {
  const [name, ...rest] = Deno.args;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    Deno.stderr.writeSync(new TextEncoder().encode(usage()));
    Deno.exit(name === undefined || name === "help" ? 0 : 2);
  }
  try {
    Deno.exit(await (await command.load()).run(rest));
  } catch (error) {
    getLogger("main").error("CommandFailed", { command: name, error });
    Deno.exit(1);
  }
}
