/**
 * The crawler's slice of the configuration: the `CRAWL_*` settings read from the same sources
 * as `loadConfig` (environment over `CONFIG_FILE`), validated, frozen. Until `Config` carries a
 * crawl slice, the crawler reads its rows here.
 */

import { ConfigError, fileSource, type Source } from "../../config/config.ts";
import { type Setting, SETTINGS, type SettingValue } from "../../config/settings.ts";
import type { CrawlerSettings } from "./crawler_options.ts";

/** Reads the `CRAWL_*` settings (first source wins); `ConfigError` lists every bad value. */
export function resolveCrawlerSettings(sources: readonly Source[]): CrawlerSettings {
  const problems: string[] = [];
  const read = <T extends SettingValue>(setting: Setting<T>): T => {
    const text = sources.map((source) => source(setting.key)).find((t) => t !== undefined);
    const value = text === undefined ? setting.fallback : setting.parse(text);
    if (value === undefined) {
      problems.push(`${setting.key} must be ${setting.form}, got ${JSON.stringify(text)}`);
    }
    return value as T; // only returned when `problems` is empty, checked below
  };
  const settings: CrawlerSettings = {
    allowedHosts: read(SETTINGS.crawlAllowedHosts),
    userAgent: read(SETTINGS.crawlUserAgent),
    concurrency: read(SETTINGS.crawlConcurrency),
    hostConcurrency: read(SETTINGS.crawlHostConcurrency),
    ratePerHost: read(SETTINGS.crawlRatePerHost),
    timeoutMs: read(SETTINGS.crawlTimeoutMs),
    maxBytes: read(SETTINGS.crawlMaxBytes),
    maxTries: read(SETTINGS.crawlMaxTries),
  };
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  return Object.freeze({ ...settings, allowedHosts: Object.freeze([...settings.allowedHosts]) });
}

/** The crawler settings of this process: the environment over `CONFIG_FILE` (if set). */
export function loadCrawlerSettings(env: Source = (k) => Deno.env.get(k)): CrawlerSettings {
  const file = env("CONFIG_FILE");
  if (file === undefined) return resolveCrawlerSettings([env]);
  let contents: string;
  try {
    contents = Deno.readTextFileSync(file);
  } catch (error) {
    throw new ConfigError(`Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  return resolveCrawlerSettings([env, fileSource(file, contents)]);
}
