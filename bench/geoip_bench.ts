/** Placeholder until the geoip benchmark lands. */
export function run(_args: string[]): Promise<number> {
  throw new Error("the geoip benchmark is not built yet");
}
