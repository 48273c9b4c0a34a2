/**
 * Command-line flags of `deno task produce`: parsed into plain data, or an error naming the
 * flag, the expected form and the value given. Accepts `--flag value` and `--flag=value`.
 */

/** The parsed flags. */
export interface ProduceFlags {
  readonly count: number;
  readonly rate: number | undefined;
  readonly topic: string | undefined;
  readonly badFraction: number;
  readonly seed: number;
}

/** Parse outcome: flags, a request for help, or an error message. */
export type ParsedFlags = { flags: ProduceFlags } | { help: true } | { error: string };

/** The usage text. */
export const USAGE =
  `usage: deno task produce -- --count N [--rate R] [--topic T] [--bad-fraction F] [--seed S]

  --count N         events to write (a positive integer, required)
  --rate R          at most R events per second (a positive number; default unbounded)
  --topic T         topic to write to (default KAFKA_TOPIC, or product_view)
  --bad-fraction F  share of hostile messages, from 0 to 1 (default 0)
  --seed S          seed of the generator, a non-negative integer (default 1)

Brokers, SASL and TLS come from KAFKA_BROKERS, KAFKA_SASL_*, KAFKA_SSL.`;

type Parser = (text: string) => number | string | undefined;

const integer = (min: number): Parser => (text) => {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(n) && n >= min ? n : undefined;
};
const number = (ok: (n: number) => boolean): Parser => (text) => {
  const n = /^\d*\.?\d+(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN;
  return Number.isFinite(n) && ok(n) ? n : undefined;
};

const FLAGS: Readonly<Record<string, { form: string; parse: Parser }>> = {
  "--count": { form: "a positive integer, e.g. --count 10000", parse: integer(1) },
  "--rate": { form: "a positive number of events per second", parse: number((n) => n > 0) },
  "--topic": {
    form: "a topic name",
    parse: (t) => (/^[A-Za-z0-9._-]{1,249}$/.test(t) ? t : undefined),
  },
  "--bad-fraction": { form: "a number from 0 to 1", parse: number((n) => n >= 0 && n <= 1) },
  "--seed": { form: "a non-negative integer", parse: integer(0) },
};

/** Parses the arguments after `produce`. */
export function parseProduceFlags(args: readonly string[]): ParsedFlags {
  const values = new Map<string, number | string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    // `deno task produce -- --count N` passes the "--" separator through: it is not a flag.
    if (arg === "--") continue;
    if (arg === "--help" || arg === "-h") return { help: true };
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const flag = FLAGS[name];
    if (flag === undefined) {
      return {
        error: `Unknown argument ${JSON.stringify(arg)}; flags are ${
          Object.keys(FLAGS).join(", ")
        }`,
      };
    }
    const text = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (text === undefined) return { error: `${name} needs a value: ${flag.form}` };
    const value = flag.parse(text);
    if (value === undefined) {
      return { error: `${name} must be ${flag.form}, got ${JSON.stringify(text)}` };
    }
    values.set(name, value);
  }
  const count = values.get("--count");
  if (count === undefined) return { error: `--count is required: ${FLAGS["--count"]?.form}` };
  const rate = values.get("--rate");
  const topic = values.get("--topic");
  return {
    flags: {
      count: Number(count),
      rate: rate === undefined ? undefined : Number(rate),
      topic: topic === undefined ? undefined : String(topic),
      badFraction: Number(values.get("--bad-fraction") ?? 0),
      seed: Number(values.get("--seed") ?? 1),
    },
  };
}
