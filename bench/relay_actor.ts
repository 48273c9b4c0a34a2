/** Worker entry of the benchmark's relay actor; buffers travel on as transferables. */
import { serve } from "../actors/runtime/serve.ts";
import { isNothing, RELAY_PROTOCOL } from "./relay_protocol.ts";

serve(RELAY_PROTOCOL, isNothing, (_args, ctx) => ({
  handlers: {
    "relay.one": (body) => ctx.emit("relay.one", body),
    "relay.batch": (body) => ctx.emit("relay.batch", body),
    "relay.buffer": (body) => ctx.emit("relay.buffer", body, [body.bytes.buffer as ArrayBuffer]),
  },
}));
