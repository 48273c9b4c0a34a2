/**
 * Which URLs the crawler may request: http and https only, to a host on the allow-list. Event
 * URLs are untrusted input, so every URL (the first and each redirect hop) passes here before a
 * request. A bare host allows its scheme's default port only; `host:port` allows that port.
 */

const DEFAULT_PORT: Record<string, string> = { "http:": "80", "https:": "443" };

/** The hosts the crawler may request, matched case-insensitively. */
export class AllowList {
  readonly #entries: ReadonlySet<string>;

  /** Entries are `host` or `host:port` (`www.glamira.de`, `127.0.0.1:8080`, `[::1]:8080`). */
  constructor(entries: readonly string[]) {
    this.#entries = new Set(entries.map(normalizeEntry));
  }

  /** The URL parsed, when it is http(s) to an allowed host and port; otherwise undefined. */
  check(url: string | URL): URL | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (error) {
      if (error instanceof TypeError) return undefined; // not a URL: never requested
      throw error;
    }
    const defaultPort = DEFAULT_PORT[parsed.protocol];
    if (defaultPort === undefined || parsed.username !== "" || parsed.password !== "") {
      return undefined;
    }
    const host = parsed.hostname.toLowerCase();
    const port = parsed.port === "" ? defaultPort : parsed.port;
    const allowed = this.#entries.has(`${host}:${port}`) ||
      (port === defaultPort && this.#entries.has(host));
    return allowed ? parsed : undefined;
  }
}

function normalizeEntry(entry: string): string {
  const trimmed = entry.trim().toLowerCase();
  if (trimmed === "" || /[/?#@\s]/.test(trimmed)) {
    throw new TypeError(
      `Cannot allow host ${JSON.stringify(entry)}: write it as host or host:port, without a scheme`,
    );
  }
  return trimmed;
}
