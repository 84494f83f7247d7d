import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

// The library, the components' protocol logic and the device model must run in a browser as well as in Node.
const ISOMORPHIC = ["src/rutabaga", "src/components", "src/virtio-gpu", "src/wayland", "src/index.ts"];
const NODE_ONLY = /from\s+["'](node:[^"']+|koffi|pngjs|fs|path|os|net|child_process)["']|require\(/;

function files(path: string): string[] {
  if (path.endsWith(".ts")) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(path, e.name)) : e.name.endsWith(".ts") ? [join(path, e.name)] : [],
  );
}

test("the isomorphic core imports no Node built-in or Node-only package", () => {
  const offenders = ISOMORPHIC.flatMap(files).filter((f) => NODE_ONLY.test(readFileSync(f, "utf8")));
  assert.deepEqual(offenders, []);
});

test("the isomorphic core imports nothing from src/node or src/cli", () => {
  const offenders = ISOMORPHIC.flatMap(files).filter((f) =>
    /from\s+["'][./]*\/(node|cli)\//.test(readFileSync(f, "utf8")),
  );
  assert.deepEqual(offenders, []);
});
