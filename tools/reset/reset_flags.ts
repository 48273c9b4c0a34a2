/**
 * Flags of `reset-partition`: which topic and partitions start a new watermark epoch, from which
 * offset, and why (recorded with the reset).
 */

/** What `reset-partition` was asked to do. */
export interface ResetFlags {
  readonly topic: string | undefined;
  /** Partition numbers, or "all" (every partition the warehouse holds a watermark for). */
  readonly partitions: readonly number[] | "all";
  readonly fromOffset: number;
  readonly reason: string;
}

/** The command's help text. */
export const USAGE = `usage: main.ts reset-partition --partition P [--partition Q ...] [options]

Starts a new watermark epoch for partitions whose log was replaced (a deleted and recreated
topic, another cluster, a wiped broker): the offsets stored so far stay, under their old epoch,
and from now on every offset from --from-offset on is a new event. Run it with the pipeline
stopped, after the pipeline refused the partition (WriterPartitionRefused in its log).

options:
  --topic T          topic (default: KAFKA_TOPIC)
  --partition P      a partition number, repeatable, or "all" for every partition stored
  --from-offset N    first offset of the new epoch (default 0: the whole new log)
  --reason TEXT      recorded with the reset (default "log replaced")
  --help             this text`;

/** Parses `args`; an error names the flag. */
export function parseResetFlags(
  args: readonly string[],
): ResetFlags | { error: string } | { help: true } {
  let topic: string | undefined;
  const partitions: number[] = [];
  let all = false;
  let fromOffset = 0;
  let reason = "log replaced";
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === "--help") return { help: true };
    const value = args[i + 1];
    if (value === undefined) return { error: `${flag} needs a value` };
    i++;
    switch (flag) {
      case "--topic":
        topic = value;
        break;
      case "--partition":
        if (value === "all") all = true;
        else if (/^\d+$/.test(value)) partitions.push(Number(value));
        else {return {
            error: `--partition must be a number or "all", got ${JSON.stringify(value)}`,
          };}
        break;
      case "--from-offset":
        if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
          return { error: `--from-offset must be an offset, got ${JSON.stringify(value)}` };
        }
        fromOffset = Number(value);
        break;
      case "--reason":
        reason = value;
        break;
      default:
        return { error: `unknown flag ${flag}` };
    }
  }
  if (!all && partitions.length === 0) return { error: "--partition is required" };
  return { topic, partitions: all ? "all" : partitions, fromOffset, reason };
}
