// `npm run docs`: TypeDoc (with its own TypeScript 6, tools/docs/) builds the API reference from the JSDoc of the
// four entry points, and any warning (a broken link, a referenced type that is not exported) fails it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const ROOT = new URL("../../", import.meta.url).pathname;

test("the API reference builds from the JSDoc without a warning and documents every entry point", {
  timeout: 300_000,
}, () => {
  const out = mkdtempSync(join(tmpdir(), "rutabaga-docs-"));
  try {
    const typedoc = join(ROOT, "tools/docs/node_modules/typedoc/bin/typedoc");
    const r = spawnSync(process.execPath, [typedoc, "--options", "tools/docs/typedoc.json", "--out", out], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stdout + r.stderr, /warning/i);
    for (const page of [
      "classes/index.RutabagaBuilder.html",
      "classes/virtio-gpu.VirtioGpuDevice.html",
      "classes/node.VtestServer.html",
      "classes/node.VhostUserGpuBackend.html",
      "classes/node.PngSink.html",
      "classes/node.EglHostGl.html",
      "functions/node.serveVhostUserGpu.html",
      "functions/node.virglComponentFactory.html",
      "classes/browser.CanvasSink.html",
      "classes/browser.TraceStepper.html",
    ])
      assert.ok(existsSync(join(out, page)), `${page} in the reference`);
    assert.match(readFileSync(join(out, "classes/node.VtestServer.html"), "utf8"), /many clients at once/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
