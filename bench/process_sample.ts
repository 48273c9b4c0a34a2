/**
 * What the kernel says about a running process: resident and peak resident memory, and CPU time
 * per thread grouped by thread name (Deno names actor Workers `worker-N`, V8's background GC and
 * compiler threads `V8 DefaultWorke`, the I/O runtime `tokio-runtime-w`; DuckDB's own threads
 * carry other names). Read with `cat` from /proc: Deno lets a program read another process's
 * /proc entries only with --allow-all, and the bench already runs child processes.
 */

/** One reading of a process. */
export interface ProcessSample {
  readonly rssMiB: number;
  /** Highest RSS since the process started (the kernel's VmHWM). */
  readonly peakRssMiB: number;
  /** Of `rssMiB`: anonymous memory (heaps, allocators, stacks) and mapped files (code, geoip). */
  readonly anonMiB: number;
  readonly fileMiB: number;
  /** CPU µs per thread group name (see `threadGroup`). */
  readonly cpuMicrosByGroup: ReadonlyMap<string, number>;
}

const TICK_MICROS = 10_000; // USER_HZ is 100 on Linux.

/** The group a thread's CPU is reported under. */
export function threadGroup(name: string): string {
  if (/^worker-\d+$/.test(name)) return "actor Workers";
  if (name.startsWith("V8 ")) return "V8 background (GC, compiler)";
  if (name.startsWith("tokio")) return "I/O threads";
  if (name === "deno") return "main and other Deno threads";
  return `other: ${name}`;
}

/** Parses /proc/<pid>/status followed by every /proc/<pid>/task/<tid>/stat. */
export function parseProcessSample(text: string): ProcessSample {
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
  const cpu = new Map<string, number>();
  for (const line of text.split("\n")) {
    const open = line.indexOf(" (");
    const close = line.lastIndexOf(") ");
    if (open < 0 || close < open || !/^\d+$/.test(line.slice(0, open))) continue;
    const fields = line.slice(close + 2).split(" ");
    // Fields after the name start at the state (field 3); utime and stime are fields 14 and 15.
    const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    const group = threadGroup(line.slice(open + 2, close));
    cpu.set(group, (cpu.get(group) ?? 0) + ticks * TICK_MICROS);
  }
  return {
    rssMiB: kib("VmRSS") / 1024,
    peakRssMiB: kib("VmHWM") / 1024,
    anonMiB: kib("RssAnon") / 1024,
    fileMiB: kib("RssFile") / 1024,
    cpuMicrosByGroup: cpu,
  };
}

/** Reads `pid` now. */
export async function sampleProcess(pid: number): Promise<ProcessSample> {
  const out = await new Deno.Command("sh", {
    args: ["-c", `cat /proc/${pid}/status /proc/${pid}/task/*/stat 2>/dev/null`],
    stdout: "piped",
  }).output();
  return parseProcessSample(new TextDecoder().decode(out.stdout));
}
