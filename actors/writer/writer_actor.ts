/** Worker entry of the writer actor (behaviour in writer_behaviour.ts). */
import { isWriterArgs, WRITER_PROTOCOL } from "../../messages/writer.ts";
import { serve } from "../runtime/serve.ts";
import { startWriter } from "./writer_behaviour.ts";

serve(WRITER_PROTOCOL, isWriterArgs, startWriter);
