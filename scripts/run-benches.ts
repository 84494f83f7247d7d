// Runs every bench/**/*.bench.ts file in turn (or those whose path contains an argument).
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

function findBenches(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findBenches(path));
    else if (entry.name.endsWith(".bench.ts")) out.push(path);
  }
  return out.sort();
}

const filter = process.argv.slice(2);
let failed = false;
for (const file of findBenches("bench").filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)))) {
  console.log(`\n## ${file}`);
  const result = spawnSync(process.execPath, ["--import", "tsx", file], { stdio: "inherit" });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
