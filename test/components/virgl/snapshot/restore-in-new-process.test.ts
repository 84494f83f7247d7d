import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "node:test";
import { draw, snapshotScene } from "./scene.ts";

test("a virgl snapshot taken in one process restores in another, its next frame pixel-equal", () => {
  const dir = mkdtempSync(join(tmpdir(), "virgl-snapshot-"));
  try {
    const live = snapshotScene();
    draw(live.rutabaga, live.target, [0, 0, 0, 0]);
    const snapshotFile = join(dir, "snapshot.bin");
    writeFileSync(snapshotFile, live.rutabaga.snapshot());
    const constants = [0.5, 0.25, 0, 0];
    const expected = draw(live.rutabaga, live.target, constants);
    live.rutabaga.destroy();
    const pixelsFile = join(dir, "pixels.bin");
    const child = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        join(import.meta.dirname, "restore-and-draw.fixture.ts"),
        snapshotFile,
        pixelsFile,
        ...constants.map(String),
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(new Uint8Array(readFileSync(pixelsFile)), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
