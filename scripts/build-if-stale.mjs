// Rebuilds dist/ when a source file is newer than the built CLI (or it is missing): bin/rutabaga-ts.js runs dist/
// without looking at src/, so `npm start` and the test runner call this first.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether dist/ is missing or older than some file under src/. */
export function distIsStale() {
  const built = join(root, "dist", "cli", "main.js");
  return !existsSync(built) || statSync(built).mtimeMs < newestMtime(join(root, "src"));
}

/** Runs `npm run build` when {@link distIsStale}; exits the process with npm's status if the build fails. */
export function buildIfStale() {
  if (!distIsStale()) return;
  const r = spawnSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildIfStale();
