import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { obtainVkXml, vkHeadersDir } from "../../../scripts/venus-gen/vk-registry.ts";
import { STRUCTS } from "../../../src/components/venus/wire-tables.generated.ts";
import { nativeLayout } from "../../../src/node/vulkan/native-layout.ts";

test("every registry struct's C layout (size, alignment, each member's offset) matches gcc on the 1.4.309 headers", (t) => {
  obtainVkXml();
  const headers = vkHeadersDir();
  const gcc = spawnSync("gcc", ["--version"]);
  if (!headers || gcc.status !== 0) {
    t.skip(`needs gcc and the cached Vulkan 1.4.309 headers (${headers ? "no gcc" : "no headers"})`);
    return;
  }
  const c = ["#include <stdio.h>", "#include <stddef.h>", "#include <vulkan/vulkan.h>", "int main(void) {"];
  const ours: string[] = [];
  STRUCTS.forEach(([name], i) => {
    if (name.endsWith("MESA")) return;
    const l = nativeLayout(i);
    c.push(`printf("%s %zu %zu", "${name}", sizeof(${name}), _Alignof(${name}));`);
    for (const m of l.members) c.push(`printf(" %zu", offsetof(${name}, ${m.field.name}));`);
    c.push('printf("\\n");');
    ours.push([name, l.size, l.align, ...l.members.map((m) => m.offset)].join(" "));
  });
  c.push("return 0; }");
  const dir = mkdtempSync(join(tmpdir(), "venus-layout-"));
  try {
    writeFileSync(join(dir, "layout.c"), c.join("\n"));
    const cc = spawnSync("gcc", ["-I", headers, "-o", join(dir, "layout"), join(dir, "layout.c")], {
      encoding: "utf8",
    });
    assert.equal(cc.status, 0, cc.stderr);
    const run = spawnSync(join(dir, "layout"), { encoding: "utf8" });
    assert.equal(run.status, 0);
    assert.deepEqual(run.stdout.trim().split("\n"), ours);
    assert.ok(ours.length > 400);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
