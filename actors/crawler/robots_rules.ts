/**
 * robots.txt parsed per RFC 9309: the groups naming our product token (else `*`) merged, the
 * longest matching Allow/Disallow pattern wins, Allow on a tie; `*` and a final `$` are honoured.
 * Parsing never throws: unknown lines are skipped, so a broken file allows what it cannot forbid.
 */

interface Rule {
  readonly allow: boolean;
  /** Pattern length, the precedence of a match. */
  readonly length: number;
  readonly pattern: RegExp;
}

interface Group {
  readonly agents: string[];
  readonly rules: Rule[];
}

/** The rules of one robots.txt that apply to one user agent. */
export class RobotsRules {
  readonly #rules: readonly Rule[];

  private constructor(rules: readonly Rule[]) {
    this.#rules = rules;
  }

  /** Rules that allow every path (robots.txt missing, 4xx). */
  static allowAll(): RobotsRules {
    return new RobotsRules([]);
  }

  /** Rules that forbid every path (robots.txt unreachable: 5xx or no answer, per RFC 9309). */
  static disallowAll(): RobotsRules {
    return new RobotsRules([{ allow: false, length: 1, pattern: /^\// }]);
  }

  /** Parses `text` for the crawler whose User-Agent is `userAgent` (its product token counts). */
  static parse(text: string, userAgent: string): RobotsRules {
    const token = productToken(userAgent);
    const groups = parseGroups(text);
    const own = groups.filter((g) => g.agents.includes(token));
    const chosen = own.length > 0 ? own : groups.filter((g) => g.agents.includes("*"));
    return new RobotsRules(chosen.flatMap((g) => g.rules));
  }

  /** Whether the crawler may fetch `url` (path and query are matched; /robots.txt always). */
  allows(url: URL): boolean {
    const target = url.pathname + url.search;
    if (url.pathname === "/robots.txt") return true;
    let best: Rule | undefined;
    for (const rule of this.#rules) {
      if (!rule.pattern.test(target)) continue;
      if (
        best === undefined || rule.length > best.length ||
        (rule.length === best.length && rule.allow)
      ) best = rule;
    }
    return best?.allow ?? true;
  }
}

/** The User-Agent's product token, lower-cased: `GlamiraBot/1.0 (+https://…)` → `glamirabot`. */
export function productToken(userAgent: string): string {
  return (/^[A-Za-z_-]+/.exec(userAgent.trim())?.[0] ?? userAgent).toLowerCase();
}

function parseGroups(text: string): Group[] {
  const groups: Group[] = [];
  let current: Group | undefined;
  let lastWasAgent = false;
  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    const line = rawLine.replace(/#.*$/, "").trim();
    const colon = line.indexOf(":");
    if (colon < 1) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === "user-agent") {
      if (current === undefined || !lastWasAgent) {
        current = { agents: [], rules: [] };
        groups.push(current);
      }
      current.agents.push(value === "*" ? "*" : productToken(value));
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (current === undefined || (key !== "allow" && key !== "disallow")) continue;
    if (value === "") continue; // "Disallow:" with no path forbids nothing
    current.rules.push({ allow: key === "allow", length: value.length, pattern: toRegExp(value) });
  }
  return groups;
}

function toRegExp(pattern: string): RegExp {
  const anchored = pattern.endsWith("$");
  const body = (anchored ? pattern.slice(0, -1) : pattern)
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}${anchored ? "$" : ""}`);
}
