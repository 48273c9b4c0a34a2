/**
 * Fetches the Apache Kafka broker jars from Maven Central with Maven, once, into a cache
 * outside the repository (`~/.cache/clickstream-lakehouse`). A second call reuses the cache.
 */
import { getLogger } from "../../observability/log.ts";

/** The pinned Kafka release the dev broker runs. */
export const KAFKA_VERSION = "4.1.1";
const LOG4J_VERSION = "2.24.3";
const SLF4J_VERSION = "2.0.17";

const log = getLogger("kafka");

/** Returns the cache root for downloaded tools: `~/.cache/clickstream-lakehouse`. */
export function cacheRoot(): string {
  const home = Deno.env.get("HOME");
  if (home) return `${home}/.cache/clickstream-lakehouse`;
  throw new Error("Cannot place the Kafka cache: set HOME");
}

function pom(version: string): string {
  const dep = (g: string, a: string, v: string) =>
    `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.clickstream</groupId><artifactId>kafka-dev-broker</artifactId><version>1</version>
  <dependencies>
    ${dep("org.apache.kafka", "kafka_2.13", version)}
    ${dep("org.apache.logging.log4j", "log4j-slf4j2-impl", LOG4J_VERSION)}
    ${dep("org.slf4j", "slf4j-api", SLF4J_VERSION)}
  </dependencies>
</project>
`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Ensures the broker jars of `version` are cached and returns their directory. */
export async function ensureKafka(version = KAFKA_VERSION): Promise<string> {
  const home = `${cacheRoot()}/kafka-${version}`;
  const libs = `${home}/libs`;
  if (await exists(`${libs}/kafka_2.13-${version}.jar`)) return libs;
  await Deno.mkdir(home, { recursive: true });
  const staging = await Deno.makeTempDir({ dir: home, prefix: "fetch-" });
  await Deno.writeTextFile(`${staging}/pom.xml`, pom(version));
  log.info("KafkaJarsFetching", { version, into: libs });
  const output = await new Deno.Command("mvn", {
    args: [
      "-q",
      "-B",
      "dependency:copy-dependencies",
      `-DoutputDirectory=${staging}/libs`,
      "-DincludeScope=runtime",
    ],
    cwd: staging,
    stdout: "piped",
    stderr: "piped",
  }).output().catch((error: unknown) => {
    throw new Error("Cannot run Maven (mvn) to fetch Kafka: install Maven 3 and Java 17+", {
      cause: error,
    });
  });
  if (!output.success) {
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    throw new Error(`Maven could not fetch Kafka ${version}:\n${text.slice(-2000)}`);
  }
  try {
    await Deno.rename(`${staging}/libs`, libs);
  } catch (error) {
    // Another process finished the same fetch first: its copy is as good as ours.
    if (!(error instanceof Deno.errors.AlreadyExists) && !(await exists(libs))) throw error;
  }
  await Deno.remove(staging, { recursive: true });
  return libs;
}
