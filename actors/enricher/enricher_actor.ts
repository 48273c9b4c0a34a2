/** Worker entry of an enricher (behaviour in enricher_behaviour.ts). */
import { ENRICHER_PROTOCOL, isEnricherArgs } from "../../messages/enricher.ts";
import { serve } from "../runtime/serve.ts";
import { startEnricher } from "./enricher_behaviour.ts";

serve(ENRICHER_PROTOCOL, isEnricherArgs, startEnricher);
