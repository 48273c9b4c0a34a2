/**
 * Builds the lake the exporter's configuration names: a local folder by default, Cloud Storage at
 * scale (endpoint overridable for an emulator). The Google client is loaded only for a bucket.
 */
import type { ExporterArgs } from "../../messages/exporter.ts";
import type { Lake } from "./lake.ts";

/** The configured lake. */
export async function openLake(args: ExporterArgs): Promise<Lake> {
  const target = args.lake;
  if (target.kind === "folder") {
    const { FolderLake } = await import("./folder_lake.ts");
    return new FolderLake(target.path);
  }
  const [{ Storage }, { PassThroughClient }, { GcsLake }] = await Promise.all([
    import("@google-cloud/storage"),
    import("google-auth-library"),
    import("./gcs_lake.ts"),
  ]);
  const storage = args.storageEndpoint === null
    ? new Storage()
    : new Storage({ apiEndpoint: args.storageEndpoint, authClient: new PassThroughClient() });
  return new GcsLake({
    storage,
    bucket: target.bucket,
    prefix: target.prefix,
    scratchDir: `${args.dataDir}/lake-scratch`,
    requestTimeoutMs: args.requestTimeoutMs,
    serverSide: args.serverSide,
  });
}
