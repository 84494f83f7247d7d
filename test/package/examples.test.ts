// examples/ against the package as npm ships it: the tarball `npm pack` makes from the tracked files (its `files`
// and `exports` decide what is importable) installed into an empty project, the examples type-checked there under
// strict settings, compiled, and run with plain node; examples/browser/ type-checked with the DOM library.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";

const ROOT = new URL("../../", import.meta.url).pathname;
const EXAMPLES = readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".ts"));
/** Page scripts (examples/browser/): type-checked with the DOM library, not run (they need a browser). */
const BROWSER_EXAMPLES = readdirSync(join(ROOT, "examples", "browser")).filter((f) => f.endsWith(".ts"));
const EXPECTED: Record<string, RegExp> = {
  "embed-device.ts": /pixel \(10, 20\) B,G,R = 40,100,128/,
  "record-replay.ts": /requests replayed, 1 PNG in .*: 32x16/,
  "vtest-in-process.ts": /protocol version 2; virgl caps v2: \d+ bytes/,
};

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

test("every example has an expected output here", () => {
  assert.deepEqual(EXAMPLES.sort(), Object.keys(EXPECTED).sort());
});

test("the examples type-check and run against the packed tarball", { timeout: 600_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), "rutabaga-examples-"));
  try {
    // The checkout's files (not what git ignores) plus a fresh build: the tarball `npm pack` would make of them.
    const stage = join(work, "stage");
    const tracked = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: ROOT,
      encoding: "utf8",
    }).split("\0");
    for (const file of tracked.filter((f) => f !== "" && existsSync(join(ROOT, f)))) {
      mkdirSync(dirname(join(stage, file)), { recursive: true });
      copyFileSync(join(ROOT, file), join(stage, file));
    }
    symlinkSync(join(ROOT, "node_modules"), join(stage, "node_modules"));
    for (const build of ["tsconfig.build.json", "tsconfig.browser.build.json"])
      execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(stage, build)]);
    const tarball = join(work, npm(["pack", "--ignore-scripts", "--silent", "--pack-destination", work], stage).trim());

    const app = join(work, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    npm(["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], app);
    for (const f of EXAMPLES) copyFileSync(join(ROOT, "examples", f), join(app, f));
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          verbatimModuleSyntax: true,
          skipLibCheck: false,
          types: ["node"],
          typeRoots: [join(ROOT, "node_modules/@types")],
          outDir: "out",
        },
        include: EXAMPLES,
      }),
    );
    const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", app], {
      encoding: "utf8",
    });
    assert.equal(tsc.status, 0, `tsc:\n${tsc.stdout}${tsc.stderr}`);
    mkdirSync(join(app, "browser"));
    for (const f of BROWSER_EXAMPLES) copyFileSync(join(ROOT, "examples", "browser", f), join(app, "browser", f));
    writeFileSync(
      join(app, "browser", "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2022", "DOM", "DOM.Iterable"],
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          verbatimModuleSyntax: true,
          skipLibCheck: false,
          types: [],
          noEmit: true,
        },
        include: BROWSER_EXAMPLES,
      }),
    );
    const pageTsc = spawnSync(
      process.execPath,
      [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(app, "browser")],
      {
        encoding: "utf8",
      },
    );
    assert.equal(pageTsc.status, 0, `tsc (browser examples):\n${pageTsc.stdout}${pageTsc.stderr}`);
    for (const f of EXAMPLES) {
      const js = join(app, "out", f.replace(/\.ts$/, ".js"));
      const r = spawnSync(process.execPath, [js], { cwd: app, encoding: "utf8", timeout: 120_000 });
      assert.equal(r.status, 0, `${f}:\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout, EXPECTED[f]!, f);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
