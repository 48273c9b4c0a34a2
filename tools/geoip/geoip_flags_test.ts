import assert from "node:assert/strict";
import { parseGeoipFlags } from "./geoip_flags.ts";

Deno.test("parses build with an IPv4 and an IPv6 file, skipping the task's -- separator", () => {
  assert.deepEqual(parseGeoipFlags(["build", "--", "--out", "t.bin", "DB5.CSV", "DB5.IPV6.CSV"]), {
    command: "build",
    out: "t.bin",
    ipv4Csv: "DB5.CSV",
    ipv6Csv: "DB5.IPV6.CSV",
    mode: "fail",
  });
  assert.deepEqual(
    parseGeoipFlags(["build", "--out=t.bin", "--on-problem=skip", "--ipv6", "v6.csv"]),
    {
      command: "build",
      out: "t.bin",
      ipv4Csv: null,
      ipv6Csv: "v6.csv",
      mode: "skip",
    },
  );
});

Deno.test("parses lookup from a file or from stdin", () => {
  assert.deepEqual(parseGeoipFlags(["lookup", "--table", "t.bin", "ips.txt"]), {
    command: "lookup",
    table: "t.bin",
    input: "ips.txt",
  });
  assert.deepEqual(parseGeoipFlags(["lookup", "--table", "t.bin", "-"]), {
    command: "lookup",
    table: "t.bin",
    input: null,
  });
});

Deno.test("names what is wrong with bad arguments", () => {
  const error = (args: string[]) => {
    const parsed = parseGeoipFlags(args);
    return "error" in parsed ? parsed.error : "";
  };
  assert.match(error(["compile"]), /Unknown geoip command "compile"/);
  assert.match(error(["build", "a.csv"]), /build needs --out/);
  assert.match(error(["build", "--out", "t.bin"]), /build needs a DB5 CSV file/);
  assert.match(
    error(["build", "--out", "t.bin", "--on-problem", "ignore", "a.csv"]),
    /fail or skip, got "ignore"/,
  );
  assert.match(error(["build", "--out", "t.bin", "a", "b", "c"]), /at most 2 CSV files/);
  assert.match(error(["lookup", "--out", "x"]), /Unknown flag --out for lookup/);
  assert.match(error(["lookup", "ips.txt"]), /lookup needs --table/);
  assert.deepEqual(parseGeoipFlags([]), { help: true });
});
