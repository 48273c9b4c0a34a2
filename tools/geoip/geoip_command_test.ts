import assert from "node:assert/strict";
import {
  expectedV4,
  formatIpv4,
  generateDb5,
  sampleV4,
  writeDb5Csv,
} from "../../actors/geoip/testing.ts";
import { csvField } from "./lookup_csv.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

async function geoip(args: string[], stdin?: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      "--allow-ffi",
      MAIN,
      "geoip",
      ...args,
    ],
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const output = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("the tool builds a table and turns a list of IPs into CSV", async () => {
  const dir = await Deno.makeTempDir({ prefix: "geoip_tool_" });
  try {
    const data = generateDb5({ ranges: 3000, seed: 8 });
    await writeDb5Csv(data, `${dir}/db5.csv`);
    const built = await geoip(["build", "--", "--out", `${dir}/t.bin`, `${dir}/db5.csv`]);
    assert.equal(built.code, 0, built.stderr);
    assert.match(built.stdout, /wrote .*t\.bin version=[0-9a-f]{16} ipv4_ranges=\d+/);
    assert.match(built.stderr, /geoip build: .*db5\.csv: 3000 lines/);

    const ips = sampleV4(data, 400).map(formatIpv4);
    await Deno.writeTextFile(`${dir}/ips.txt`, [...ips, "not-an-ip"].join("\n"));
    const looked = await geoip(["lookup", "--table", `${dir}/t.bin`, `${dir}/ips.txt`]);
    assert.equal(looked.code, 0, looked.stderr);
    const expected = ips.map((ip) => {
      const r = expectedV4(data, Number(ip.split(".").reduce((n, o) => n * 256 + Number(o), 0)));
      const coordinate = (n: number | null | undefined) => (n == null ? "" : n.toFixed(6));
      return [ip, r?.country ?? null, r?.region ?? null, r?.city ?? null].map(csvField).join(",") +
        `,${coordinate(r?.latitude)},${coordinate(r?.longitude)}`;
    });
    assert.equal(
      looked.stdout,
      ["ip,country,region,city,latitude,longitude", ...expected, "not-an-ip,,,,,", ""].join("\n"),
    );
    assert.match(looked.stderr, /1 invalid \(first at line \d+\)/);

    const piped = await geoip(["lookup", "--table", `${dir}/t.bin`], "0.0.0.0\n");
    assert.equal(piped.stdout.split("\n")[1]?.split(",")[0], "0.0.0.0");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the tool reports a malformed line with its number and fails, or skips it on request", async () => {
  const dir = await Deno.makeTempDir({ prefix: "geoip_tool_" });
  try {
    await Deno.writeTextFile(
      `${dir}/db5.csv`,
      '"0","9","DE","Germany","-","-","0","0"\n"10","x","FR","France","-","-","0","0"\n',
    );
    const failed = await geoip(["build", "--out", `${dir}/t.bin`, `${dir}/db5.csv`]);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /db5\.csv:2: malformed: ip_to "x" is not an integer/);
    const skipped = await geoip([
      "build",
      "--out",
      `${dir}/t.bin`,
      "--on-problem",
      "skip",
      `${dir}/db5.csv`,
    ]);
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.match(skipped.stderr, /db5\.csv:2: malformed/);
    assert.match(skipped.stdout, /skipped=1/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
