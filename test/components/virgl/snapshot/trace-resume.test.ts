// A snapshot in the middle of a replayed 3D trace, restored in another process, replays the rest to the same frames
// and read-backs as the uninterrupted replay: the kmscube guest session, and vtest sessions with textures, UBOs,
// queries and stream output.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { RutabagaError } from "../../../../src/index.ts";
import { replayTraceOnHost } from "../../../../src/node/gl/trace-replay.ts";
import { saveMismatch } from "../../../virtio-gpu/helpers.ts";
import { decodeCapture, FrameRecorder, readBackBox } from "./trace-frames.ts";

/** Each trace, and where in it (as a share of its requests) a snapshot is taken. */
const FIXTURES: readonly [name: string, file: URL, at: readonly number[]][] = [
  ["kmscube", new URL("../../../fixtures/virtio-gpu/kmscube-virgl.trace.gz", import.meta.url), [0.5]],
  ["vtest textures", new URL("../../../fixtures/vtest/piglit-textures.trace.gz", import.meta.url), [0.25, 0.5, 0.75]],
  ["vtest UBOs", new URL("../../../fixtures/vtest/piglit-ubo.trace.gz", import.meta.url), [0.25, 0.5, 0.75]],
  ["vtest queries", new URL("../../../fixtures/vtest/piglit-queries.trace.gz", import.meta.url), [0.25, 0.5, 0.75]],
  [
    "vtest stream output",
    new URL("../../../fixtures/vtest/piglit-stream-output.trace.gz", import.meta.url),
    [0.25, 0.5, 0.75],
  ],
];

for (const [name, file, points] of FIXTURES) {
  test(`${name}: snapshot mid-trace, restore in another process, the rest replays to the same output`, async () => {
    const trace = new Uint8Array(gunzipSync(readFileSync(file)));
    // The uninterrupted replay, counting its requests.
    const whole = new FrameRecorder();
    const wholeReadBacks: Uint8Array[] = [];
    const all = await replayTraceOnHost(trace, whole, {
      onReadBack: (r) => wholeReadBacks.push(readBackBox(r)),
    });
    const total = all.requests;
    const finalState = all.device.snapshot();
    all.device.destroy();

    let refusedInCapture = 0;
    const dir = mkdtempSync(join(tmpdir(), "trace-resume-"));
    try {
      for (const point of points) {
        await resumeAt(Math.floor(total * point), dir);
      }
      if (name === "vtest stream output") assert.ok(refusedInCapture > 0, "a snapshot mid-capture was refused");
      else assert.equal(refusedInCapture, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    /**
     * Replays up to `from` requests (or the first point after it where no stream-output capture is in progress: a
     * snapshot then is refused), snapshots, and has a new process replay the rest from the snapshot.
     */
    async function resumeAt(from: number, dir: string): Promise<void> {
      let after = from;
      let first = new FrameRecorder();
      let firstReadBacks = 0;
      let state: Uint8Array | undefined;
      for (; state === undefined && after < total; after++) {
        first = new FrameRecorder();
        firstReadBacks = 0;
        const part = await replayTraceOnHost(trace, first, { stopAfter: after, onReadBack: () => firstReadBacks++ });
        try {
          state = part.device.snapshot();
        } catch (e) {
          if (!(e instanceof RutabagaError && /stream-output capture is in progress/.test(e.message))) throw e;
          refusedInCapture++;
        } finally {
          part.device.destroy();
        }
      }
      after--;
      assert.ok(state !== undefined, `a snapshot after ${from} requests`);
      const stateFile = join(dir, "state.bin");
      writeFileSync(stateFile, state);
      const outFile = join(dir, "rest.bin");
      const fixture = join(import.meta.dirname, "trace-resume.fixture.ts");
      const child = spawnSync(
        process.execPath,
        ["--import", "tsx", fixture, file.pathname, stateFile, `${after}`, outFile],
        { encoding: "utf8", timeout: 100_000 },
      );
      assert.equal(child.status, 0, child.stderr);
      const rest = decodeCapture(new Uint8Array(readFileSync(outFile)));
      assert.ok(
        readFileSync(`${outFile}.restored`).equals(readFileSync(stateFile)),
        "a snapshot right after the restore is the same bytes",
      );
      const expectedFrames = whole.frames.slice(first.frames.length);
      assert.equal(rest.frames.length, expectedFrames.length, `as many frames after the restore at ${after}`);
      rest.frames.forEach((f, i) => {
        const want = expectedFrames[i]!;
        if (Buffer.compare(f, want) !== 0) {
          const fb = whole.framebuffers[0]!;
          const out = saveMismatch(
            `trace-resume-${name.replace(/ /g, "-")}-${after}-${i}`,
            fb.width,
            fb.height,
            want,
            f,
          );
          assert.fail(`frame ${i} after the restore at ${after} differs (images in ${out})`);
        }
      });
      assert.deepEqual(rest.readBacks, wholeReadBacks.slice(firstReadBacks), `the same read-backs after ${after}`);
      assert.ok(
        readFileSync(`${outFile}.final`).equals(Buffer.from(finalState)),
        `the same device state at the end, after the restore at ${after} (every resource's contents)`,
      );
    }
  });
}
