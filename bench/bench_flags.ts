/**
 * The `--name=value` flags of a benchmark that reads its arguments by hand. Each flag is read by
 * name, and `rejectUnread()` refuses any argument none of them read, so a mistyped flag is an
 * error rather than a run with the default.
 */
export class BenchFlags {
  readonly #bench: string;
  readonly #args: readonly string[];
  readonly #read = new Set<string>();

  /** `bench` names the benchmark in errors; `args` are its arguments after its name. */
  constructor(bench: string, args: readonly string[]) {
    this.#bench = bench;
    this.#args = args;
  }

  /** Every value given as `--name=value`, in order (empty when the flag is absent). */
  all(name: string): string[] {
    this.#read.add(name);
    const prefix = `--${name}=`;
    return this.#args.filter((a) => a.startsWith(prefix)).map((a) => a.slice(prefix.length));
  }

  /** The value of `--name=value`, or undefined when absent; given twice is an error. */
  text(name: string): string | undefined {
    const values = this.all(name);
    if (values.length > 1) {
      throw new RangeError(
        `Cannot run the ${this.#bench} benchmark: --${name} is given ${values.length} times; ` +
          `give it once`,
      );
    }
    return values[0];
  }

  /** `--name=N` as a count (a whole number ≥ 1), or `fallback` when absent. */
  count(name: string, fallback: number): number {
    const text = this.text(name);
    const value = text === undefined ? fallback : Number(text);
    if (text === "" || !Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(
        `Cannot run the ${this.#bench} benchmark: --${name}=${text} is not a count (1 or more)`,
      );
    }
    return value;
  }

  /** `--name=N` as a count when given, else undefined. */
  optionalCount(name: string): number | undefined {
    return this.text(name) === undefined ? undefined : this.count(name, 1);
  }

  /** Throws naming the arguments no flag read so far; call once every flag has been read. */
  rejectUnread(): void {
    const unread = this.#args.filter((a) => {
      const name = /^--([^=]+)=/.exec(a)?.[1];
      return name === undefined || !this.#read.has(name);
    });
    if (unread.length > 0) {
      throw new RangeError(
        `Cannot run the ${this.#bench} benchmark: ${unread.join(" ")} is not one of its flags ` +
          `(${[...this.#read].map((n) => `--${n}=`).join(", ")})`,
      );
    }
  }
}
