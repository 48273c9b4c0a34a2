/**
 * A set of Deno permissions as data: the network hosts, read and write paths and programs a
 * command needs, plus the all-or-nothing ones. Built from the configuration by
 * `command_permissions.ts`; turned into `deno run` flags here, and checked against what a process
 * holds by `commands/permissions.ts`.
 */

/** The permissions of one command. Lists are sorted and without duplicates. */
export interface PermissionSet {
  /** `host` or `host:port` it connects to or listens on. */
  readonly net: readonly string[];
  readonly read: readonly string[];
  readonly write: readonly string[];
  /** Programs it starts, by name (looked up on PATH). */
  readonly run: readonly string[];
  /** Environment variables: npm dependencies read their own, so this is all or nothing. */
  readonly env: boolean;
  /** System information (host name, memory): asked for by npm dependencies. */
  readonly sys: boolean;
  /** Native libraries: DuckDB's and libc's mmap for the geoip table. */
  readonly ffi: boolean;
}

/** A set under construction; `build` sorts and deduplicates. */
export interface PermissionParts {
  net?: Iterable<string>;
  read?: Iterable<string>;
  write?: Iterable<string>;
  run?: Iterable<string>;
  env?: boolean;
  sys?: boolean;
  ffi?: boolean;
}

const list = (items: Iterable<string> | undefined): string[] =>
  [...new Set(items ?? [])].filter((item) => item !== "").sort();

/** Paths without those inside another listed path (a grant of a folder covers its contents). */
const paths = (items: Iterable<string> | undefined): string[] => {
  const all = list([...items ?? []].map((path) => path.replace(/(.)\/+$/, "$1")));
  return all.filter((path) => !all.some((other) => other !== path && within(path, other)));
};

const within = (path: string, folder: string): boolean =>
  path.startsWith(folder.endsWith("/") ? folder : `${folder}/`);

/** The set of `parts`: lists sorted and deduplicated, paths inside listed folders dropped. */
export function permissionSet(parts: PermissionParts): PermissionSet {
  return Object.freeze({
    net: list(parts.net),
    read: paths(parts.read),
    write: paths(parts.write),
    run: list(parts.run),
    env: parts.env ?? false,
    sys: parts.sys ?? false,
    ffi: parts.ffi ?? false,
  });
}

/**
 * The `deno run` (or `deno compile`) flags granting exactly `set`. A list item holding a comma
 * cannot be expressed (Deno splits on commas), so it is refused with the item named.
 *
 * @example
 * ```ts
 * permissionFlags(permissionSet({ net: ["kafka-1:9093"], write: ["data"], env: true }));
 * // ["--allow-env", "--allow-net=kafka-1:9093", "--allow-write=data"]
 * ```
 */
export function permissionFlags(set: PermissionSet): string[] {
  const flags: string[] = [];
  if (set.env) flags.push("--allow-env");
  if (set.sys) flags.push("--allow-sys");
  if (set.ffi) flags.push("--allow-ffi");
  for (const kind of ["net", "read", "write", "run"] as const) {
    const items = set[kind];
    if (items.length === 0) continue;
    const comma = items.find((item) => item.includes(","));
    if (comma !== undefined) {
      throw new RangeError(
        `Cannot grant ${kind} access to ${JSON.stringify(comma)}: Deno permission lists are ` +
          "comma-separated; use a path without a comma",
      );
    }
    flags.push(`--allow-${kind}=${items.join(",")}`);
  }
  return flags;
}
