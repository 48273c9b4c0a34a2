/** Placeholder until the runtime benchmark lands. */
export function run(_args: string[]): Promise<number> {
  throw new Error("the runtime benchmark is not built yet");
}
