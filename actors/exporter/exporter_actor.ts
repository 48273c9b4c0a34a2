/** Worker entry of the exporter actor (behaviour in exporter_behaviour.ts). */
import { EXPORTER_PROTOCOL, isExporterArgs } from "../../messages/exporter.ts";
import { serve } from "../runtime/serve.ts";
import { startExporter } from "./exporter_behaviour.ts";

serve(EXPORTER_PROTOCOL, isExporterArgs, startExporter);
