/**
 * `deno task bench -- geoip [--ranges N] [--lookups M] [--keep DIR]`: generates a DB5 CSV of N
 * IPv4 ranges (default 3,000,000), then prints build time and table size, time to the first
 * lookup (mmap and SharedArrayBuffer read; in-process and from a fresh process), and lookups/s.
 */
import { CachedGeoLookup } from "../actors/geoip/cached_lookup.ts";
import type { GeoLookup } from "../actors/geoip/geo_lookup.ts";
import { parseIpv4 } from "../actors/geoip/ip_parse.ts";
import { openTable } from "../actors/geoip/open_table.ts";
import { buildTable } from "../actors/geoip/table_builder.ts";
import { formatIpv4, generateDb5, writeDb5Csv } from "../actors/geoip/testing.ts";
import { seededRandom } from "../tools/produce/prng.ts";

interface BenchFlags {
  readonly ranges: number;
  readonly lookups: number;
  readonly keep: string | null;
}

function parseFlags(args: string[]): BenchFlags | string {
  const flags = { ranges: 3_000_000, lookups: 10_000_000, keep: null as string | null };
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = (args[i] ?? "").split("=", 2) as [string, string | undefined];
    if (name === "--") continue;
    const value = inline ?? args[++i];
    if (name === "--keep" && value !== undefined) flags.keep = value;
    else if ((name === "--ranges" || name === "--lookups") && /^\d+$/.test(value ?? "")) {
      flags[name === "--ranges" ? "ranges" : "lookups"] = Number(value);
    } else return `usage: deno task bench -- geoip [--ranges N] [--lookups M] [--keep DIR]`;
  }
  return flags.ranges < 1 ? "--ranges must be at least 1" : flags;
}

const ms = (from: number) => (performance.now() - from).toFixed(1);
const print = (label: string, value: string) => console.log(`${label.padEnd(52)} ${value}`);

/** Lookups per second over `ips`, repeated until `total` lookups ran. */
function lookupRate(table: GeoLookup, ips: string[], total: number): number {
  let located = 0;
  for (const ip of ips.slice(0, 100_000)) if (table.lookup(ip) !== null) located++; // warm-up
  const started = performance.now();
  let done = 0;
  while (done < total) {
    for (let i = 0; i < ips.length; i++) if (table.lookup(ips[i]!) !== null) located++;
    done += ips.length;
  }
  if (located < 0) console.log(located); // keeps the loop observable
  return done / ((performance.now() - started) / 1000);
}

async function firstLookupInFreshProcess(path: string): Promise<string> {
  const script = `const t0 = performance.now();
    const { openTable } = await import(${
    JSON.stringify(import.meta.resolve("../actors/geoip/open_table.ts"))
  });
    const t1 = performance.now();
    const table = await openTable(${JSON.stringify(path)}, "mmap");
    table.lookup("81.2.69.142");
    const t2 = performance.now();
    console.log(JSON.stringify({ startToFirst: t2, importMs: t1 - t0, openToFirst: t2 - t1 }));
    table.close();`;
  const file = `${path}.probe.ts`;
  await Deno.writeTextFile(file, script);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-check", "--allow-read", "--allow-ffi", file],
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(file);
  if (out.code !== 0) return `failed: ${new TextDecoder().decode(out.stderr)}`;
  const r = JSON.parse(new TextDecoder().decode(out.stdout));
  return `${r.startToFirst.toFixed(1)} ms after the runtime time origin (import ${
    r.importMs.toFixed(1)
  } ms, ` +
    `open + first lookup ${r.openToFirst.toFixed(1)} ms)`;
}

/** Runs the benchmark; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const flags = parseFlags(args);
  if (typeof flags === "string") {
    console.error(flags);
    return 2;
  }
  const dir = flags.keep ?? await Deno.makeTempDir({ prefix: "geoip_bench_" });
  await Deno.mkdir(dir, { recursive: true });
  try {
    let t = performance.now();
    const data = generateDb5({ ranges: flags.ranges, seed: 1 });
    await writeDb5Csv(data, `${dir}/db5.csv`);
    const csvBytes = (await Deno.stat(`${dir}/db5.csv`)).size;
    print(
      "generated DB5 CSV",
      `${flags.ranges} ranges, ${(csvBytes / 1e6).toFixed(1)} MB, ${ms(t)} ms`,
    );

    t = performance.now();
    const s = await buildTable({
      ipv4Csv: `${dir}/db5.csv`,
      out: `${dir}/table.bin`,
      mode: "fail",
    });
    const buildSeconds = (performance.now() - t) / 1000;
    print(
      "build time",
      `${buildSeconds.toFixed(2)} s (${Math.round(flags.ranges / buildSeconds)} lines/s)`,
    );
    print(
      "table file size",
      `${(s.fileBytes / 1e6).toFixed(1)} MB (${s.v4Ranges} ranges, ${s.locations} locations)`,
    );

    t = performance.now();
    const mapped = await openTable(s.path, "mmap");
    mapped.lookup("81.2.69.142");
    print("open (mmap) to first lookup, in-process", `${ms(t)} ms`);
    print("fresh process to first lookup (mmap)", await firstLookupInFreshProcess(s.path));
    t = performance.now();
    const read = await openTable(s.path, "read");
    read.lookup("81.2.69.142");
    print("open (read into SAB) to first lookup", `${ms(t)} ms`);

    const random = seededRandom(99);
    const ips = Array.from({ length: 1_000_000 }, () => formatIpv4(Math.floor(random() * 2 ** 32)));
    print(
      "IPv4 lookups/s, uniform 1M IPs, mmap (incl. parse)",
      `${(lookupRate(mapped, ips, flags.lookups) / 1e6).toFixed(2)} M/s`,
    );
    print(
      "IPv4 lookups/s, uniform 1M IPs, SAB (incl. parse)",
      `${(lookupRate(read, ips, flags.lookups) / 1e6).toFixed(2)} M/s`,
    );
    // Clickstream-like: 3.24M distinct IPs over 41M events, visitors repeat within sessions.
    const pool = ips.slice(0, 50_000);
    const skewed = Array.from(
      { length: 1_000_000 },
      () => pool[Math.floor(pool.length * random() ** 3)]!,
    );
    print(
      "IPv4 lookups/s, skewed 50k-IP pool (mmap)",
      `${(lookupRate(mapped, skewed, flags.lookups) / 1e6).toFixed(2)} M/s`,
    );
    // What an enricher does: the table behind its answer cache (64k IPs).
    const cachedSkewed = new CachedGeoLookup(mapped);
    print(
      "IPv4 lookups/s, skewed pool, enricher's cache",
      `${(lookupRate(cachedSkewed, skewed, flags.lookups) / 1e6).toFixed(2)} M/s (hit rate ${
        (100 * cachedSkewed.hits / (cachedSkewed.hits + cachedSkewed.misses)).toFixed(1)
      }%)`,
    );
    const cachedUniform = new CachedGeoLookup(mapped);
    print(
      "IPv4 lookups/s, uniform 1M IPs, enricher's cache",
      `${(lookupRate(cachedUniform, ips, flags.lookups) / 1e6).toFixed(2)} M/s (hit rate ${
        (100 * cachedUniform.hits / (cachedUniform.hits + cachedUniform.misses)).toFixed(1)
      }%)`,
    );
    const numbers = new Uint32Array(ips.length).map((_, i) => parseIpv4(ips[i]!));
    t = performance.now();
    let found = 0;
    for (let round = 0; round < 3; round++) {
      for (const n of numbers) if (mapped.lookupV4(n) !== null) found++;
    }
    print(
      "IPv4 search only (no parse), uniform",
      `${(3 * numbers.length / ((performance.now() - t) / 1000) / 1e6).toFixed(2)} M/s (${
        found > 0 ? "ok" : "none found"
      })`,
    );
    t = performance.now();
    let parsed = 0;
    for (let round = 0; round < 3; round++) for (const ip of ips) parsed += parseIpv4(ip) >>> 31;
    print(
      "IPv4 parse only",
      `${(3 * ips.length / ((performance.now() - t) / 1000) / 1e6).toFixed(2)} M/s (${parsed})`,
    );
    const mappedIps = ips.slice(0, 200_000).map((ip) => `::ffff:${ip}`);
    print(
      "IPv4-mapped IPv6 lookups/s, one core",
      `${(lookupRate(mapped, mappedIps, flags.lookups / 5) / 1e6).toFixed(2)} M/s`,
    );
    mapped.close();
    read.close();
    return 0;
  } finally {
    if (flags.keep === null) await Deno.remove(dir, { recursive: true });
  }
}
