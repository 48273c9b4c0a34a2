/** Worker entry of the batcher actor (behaviour in batcher_behaviour.ts). */
import { BATCHER_PROTOCOL, isBatcherArgs } from "../../messages/batcher.ts";
import { serve } from "../runtime/serve.ts";
import { startBatcher } from "./batcher_behaviour.ts";

serve(
  BATCHER_PROTOCOL,
  isBatcherArgs,
  (args, ctx) => startBatcher(args, ctx, Date.now, args.faults),
);
