import assert from "node:assert/strict";
import { test } from "node:test";
import { build } from "esbuild";

// The core and the device must load in a browser: bundling for the browser platform with every Node built-in left
// unresolvable fails if anything imports one.
for (const entry of ["src/index.ts", "src/virtio-gpu/index.ts"]) {
  test(`${entry} bundles for the browser with no Node built-in`, async () => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
      metafile: true,
    });
    assert.equal(result.errors.length, 0);
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(
      inputs.every((p) => p.startsWith("src/")),
      inputs.join(", "),
    );
    const code = result.outputFiles[0]!.text;
    assert.doesNotMatch(code, /\bfrom\s+["']node:|require\(["']node:/);
    assert.ok(code.includes("VirtioGpuDevice") || entry === "src/index.ts");
  });
}
