/** Placeholder until the geoip tool lands (issue 5). */
export function run(_args: string[]): Promise<number> {
  throw new Error("geoip is not built yet");
}
