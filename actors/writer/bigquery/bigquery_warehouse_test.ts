import { warehouseContract } from "../warehouse_contract.ts";
import { testBigQuery } from "../../../test/emulators/bigquery_emulator.ts";
import { contractSubject } from "./testing.ts";

// Started before the tests, so the emulator process is not counted as a test's resource.
await testBigQuery();

warehouseContract("BigQuery emulator", (faults) => contractSubject(faults));
