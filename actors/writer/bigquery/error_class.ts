/**
 * Classifies BigQuery client failures into what the warehouse does next: `transient` (network,
 * 5xx, backend errors: retry with backoff), `quota` (rate limits: retry, slower), `permission`
 * (401/403 access: stop, an operator must act) and `schema` (invalid rows or tables: stop, a bug).
 */

/** What a failure means for retrying. */
export type ErrorClass = "transient" | "quota" | "permission" | "schema";

/** Reasons BigQuery reports (error.errors[].reason), by class. */
const REASONS: Readonly<Record<string, ErrorClass>> = {
  backendError: "transient",
  internalError: "transient",
  timeout: "transient",
  stopped: "transient",
  jobBackendError: "transient",
  jobInternalError: "transient",
  rateLimitExceeded: "quota",
  quotaExceeded: "quota",
  responseTooLarge: "schema",
  accessDenied: "permission",
  billingNotEnabled: "permission",
  billingTierLimitExceeded: "permission",
  notFound: "schema",
  invalid: "schema",
  invalidQuery: "schema",
  invalidUser: "permission",
  duplicate: "schema",
};

/** Node network error codes that mean the request may simply be retried. */
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET",
]);

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null && name in value
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

/** Reasons in `error.errors` (ApiError, PartialFailureError rows, job status errors). */
function reasonsOf(error: unknown): string[] {
  const out: string[] = [];
  const inner = field(error, "errors");
  if (!Array.isArray(inner)) return out;
  for (const item of inner) {
    const reason = field(item, "reason");
    if (typeof reason === "string") out.push(reason);
    // PartialFailureError: { errors: [{ errors: [{ reason }], row }] }
    out.push(...reasonsOf(item));
  }
  return out;
}

/** The most severe class among a failure's reasons, its HTTP code and its network code. */
export function classifyError(error: unknown): ErrorClass {
  const reasons = reasonsOf(error);
  const classes = new Set(reasons.map((r) => REASONS[r]).filter((c) => c !== undefined));
  const code = field(error, "code");
  if (code === 401 || (code === 403 && !classes.has("quota"))) classes.add("permission");
  if (code === 429) classes.add("quota");
  if (code === 400 || code === 404) classes.add("schema");
  if (typeof code === "number" && code >= 500) classes.add("transient");
  if (typeof code === "string" && NETWORK_CODES.has(code)) classes.add("transient");
  if (field(error, "name") === "PartialFailureError" && reasons.every((r) => r === "stopped")) {
    // Rows BigQuery stopped only because another row in the request was invalid: retryable.
    classes.add("transient");
  }
  for (const cls of ["permission", "schema", "quota", "transient"] as const) {
    if (classes.has(cls)) return cls;
  }
  return "transient";
}

/** Whether failures of a class are worth retrying. */
export function isRetryable(cls: ErrorClass): boolean {
  return cls === "transient" || cls === "quota";
}
