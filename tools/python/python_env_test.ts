import assert from "node:assert/strict";
import { ensurePythonEnv, PythonMissingError } from "./python_env.ts";

async function pins(dir: string, text: string): Promise<string> {
  const file = `${dir}/requirements.txt`;
  await Deno.writeTextFile(file, text);
  return file;
}

async function pythonSays(python: string, code: string): Promise<string> {
  const out = await new Deno.Command(python, { args: ["-c", code], stdout: "piped" }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("an environment is created once with its pins and reused by concurrent callers", async () => {
  const root = await Deno.makeTempDir({ prefix: "venv-test-" });
  try {
    const file = await pins(root, "six==1.16.0\n");
    const [a, b] = await Promise.all([
      ensurePythonEnv("probe", file, { root }),
      ensurePythonEnv("probe", file, { root }),
    ]);
    assert.equal(a.dir, b.dir);
    assert.equal(await pythonSays(a.python, "import six; print(six.__version__)"), "1.16.0");
    const before = (await Deno.stat(`${a.dir}/.complete`)).mtime?.getTime();
    const again = await ensurePythonEnv("probe", file, { root });
    assert.equal(again.dir, a.dir);
    assert.equal((await Deno.stat(`${a.dir}/.complete`)).mtime?.getTime(), before);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("changed pins make a new environment beside the old one", async () => {
  const root = await Deno.makeTempDir({ prefix: "venv-test-" });
  try {
    const first = await ensurePythonEnv("probe", await pins(root, "six==1.16.0\n"), { root });
    const second = await ensurePythonEnv("probe", await pins(root, "six==1.17.0\n"), { root });
    assert.notEqual(first.dir, second.dir);
    assert.equal(await pythonSays(second.python, "import six; print(six.__version__)"), "1.17.0");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a missing interpreter is reported as PythonMissingError naming it", async () => {
  const root = await Deno.makeTempDir({ prefix: "venv-test-" });
  try {
    const file = await pins(root, "six==1.16.0\n");
    await assert.rejects(
      ensurePythonEnv("probe", file, { root, python: "no-such-python-3.11" }),
      (error: unknown) =>
        error instanceof PythonMissingError && error.message.includes("no-such-python-3.11"),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
