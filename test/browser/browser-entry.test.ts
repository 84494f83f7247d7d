import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { build } from "esbuild";

// rutabaga-ts/browser and the pages' scripts must load in a browser: bundled for the browser platform, nothing may
// import a Node built-in (unresolvable there), and the sources name none.
test("src/browser bundles for the browser with no Node built-in, and the package exports it", async () => {
  const result = await build({
    entryPoints: [
      "src/browser/index.ts",
      ...["player", "emulator", "device-worker", "driver-worker"].map((e) => `web/${e}.ts`),
    ],
    bundle: true,
    platform: "browser",
    format: "esm",
    outdir: "out",
    write: false,
    logLevel: "silent",
    metafile: true,
  });
  assert.equal(result.errors.length, 0);
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(
    inputs.every((p) => p.startsWith("src/") || p.startsWith("web/")),
    inputs.join(", "),
  );
  for (const f of result.outputFiles) assert.doesNotMatch(f.text, /\bfrom\s+["']node:|require\(["']node:/, f.path);
  const sources = readdirSync("src/browser", { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(`${e.parentPath}/${e.name}`, "utf8"));
  assert.ok(sources.length > 10, "every file under src/browser, sub-folders included");
  assert.ok(sources.every((text) => !/from\s+["']node:/.test(text)));
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { exports: Record<string, { default: string }> };
  assert.equal(pkg.exports["./browser"]?.default, "./dist/browser/index.js");
});
