import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { redactForLog, redactText } from "./redact.ts";

Deno.test("credentials in URLs are replaced, the rest of the URL kept", () => {
  assert.equal(
    redactText("BIGQUERY_ENDPOINT=https://svc:hunter2@bq.internal:9050/v2 unreachable"),
    "BIGQUERY_ENDPOINT=https://***@bq.internal:9050/v2 unreachable",
  );
  assert.equal(redactText("gs://token@bucket/x"), "gs://***@bucket/x");
  assert.equal(
    redactText("GET https://h/o?alt=media&access_token=ya29.abc&X-Goog-Signature=f00#top"),
    "GET https://h/o?alt=media&access_token=***&X-Goog-Signature=***#top",
  );
  assert.equal(
    redactText("http://127.0.0.1:8790/?token=s3cret"),
    "http://127.0.0.1:8790/?token=***",
  );
  const plain = "https://www.glamira.de/ring.html?alloy=white&mail=a@b.de";
  assert.equal(redactText(plain), plain, "no credentials: unchanged");
});

Deno.test("bytes never reach a log field, however they are nested or shaped", () => {
  const email = "anna@example.com";
  const fields = redactForLog({
    message: "Response Fetch",
    records: [{ key: Buffer.from("k"), value: new TextEncoder().encode(email) }],
    json: JSON.parse(JSON.stringify({ payload: Buffer.from(email) })),
    error: new Error("cannot reach https://u:p@host/", { cause: new Error("?key=abc") }),
    at: new Date(0),
  });
  const text = JSON.stringify(fields);
  assert.doesNotMatch(text, /anna|example\.com/);
  assert.deepEqual(fields, {
    message: "Response Fetch",
    records: [{ key: "[1 bytes not logged]", value: "[16 bytes not logged]" }],
    json: { payload: "[16 bytes not logged]" },
    error: {
      name: "Error",
      message: "cannot reach https://***@host/",
      cause: { name: "Error", message: "?key=***", cause: undefined },
    },
    at: "1970-01-01T00:00:00.000Z",
  });
});
