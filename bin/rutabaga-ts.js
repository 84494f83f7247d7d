#!/usr/bin/env node
// Runs the built CLI (dist/). Without a build (a fresh checkout), or with RUTABAGA_TS_FROM_SOURCE=1, runs the
// TypeScript sources through tsx instead. No source file is looked at otherwise: `npm start` and the test runner
// rebuild a stale dist/ first (scripts/build-if-stale.mjs).
import { existsSync } from "node:fs";

const built = new URL("../dist/cli/main.js", import.meta.url);

if (process.env.RUTABAGA_TS_FROM_SOURCE !== "1" && existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
