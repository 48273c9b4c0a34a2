/** Where the dbt project lives (`transform/` at the repository root). */
import { fileURLToPath } from "node:url";

/** The dbt project folder. */
export const TRANSFORM_DIR = fileURLToPath(new URL("../../transform", import.meta.url));
