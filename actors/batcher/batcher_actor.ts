/** Worker entry of the batcher actor (behaviour in batcher_behaviour.ts). */
import { BATCHER_PROTOCOL, isBatchLimits } from "../../messages/batcher.ts";
import { serve } from "../runtime/serve.ts";
import { startBatcher } from "./batcher_behaviour.ts";

serve(BATCHER_PROTOCOL, isBatchLimits, (limits, ctx) => startBatcher(limits, ctx));
