/**
 * The seam between the enrichers and the geoip range table: what a lookup answers. The geoip
 * actor provides implementations (a memory-mapped table); enrichers only see this interface.
 */

/** The location of one IP, as the IP2Location DB5 range table holds it. */
export interface GeoResult {
  readonly countryCode: string | null;
  readonly country: string | null;
  readonly region: string | null;
  readonly city: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
}

/** Looks IPs up in one version of a range table. */
export interface GeoLookup {
  /** Version of the table (recorded on every enriched row). */
  readonly version: string;
  /**
   * Returns the location of `ip` (IPv4, IPv6 or IPv4-mapped IPv6 text), `null` when no range
   * holds it, or `"invalid"` when the text is not an IP address. Never throws on bad input.
   */
  lookup(ip: string): GeoResult | null | "invalid";
}
