/** `deno task produce`: placeholder until the event generator lands (issue 2, item 5). */
export function run(_args: string[]): Promise<number> {
  throw new Error("produce is not built yet");
}
