import assert from "node:assert/strict";
import { test } from "node:test";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import {
  captured,
  SENTINEL,
  SO_BYTES,
  secondCapture,
  streamOutputScene,
  TRIANGLES,
  VERTICES,
} from "./stream-output-scene.ts";

test("stream output captures the shader's listed components into the target's range, skips and stride kept", () => {
  const { rutabaga, component, read } = streamOutputScene();
  try {
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setStreamoutTargets([40])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .setStreamoutTargets([])
        .finish(),
    );
    const expected = new Array<number>(SO_BYTES / 4).fill(SENTINEL);
    expected.splice(2, 15, ...captured(VERTICES[0]), ...captured(VERTICES[1]), ...captured(VERTICES[2]));
    assert.deepEqual(read(), expected);
    // The same target set again (Mesa sends no append bits) resumes: the next vertices follow; a new target over
    // the same range starts over at the range's start.
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setStreamoutTargets([40])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .setStreamoutTargets([])
        .finish(),
    );
    expected.splice(17, 15, ...captured(VERTICES[0]), ...captured(VERTICES[1]), ...captured(VERTICES[2]));
    assert.deepEqual(read(), expected);
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createStreamoutTarget(42, 4, 8, 120)
        .setStreamoutTargets([42])
        .drawVbo({ start: 1, count: 3, mode: TRIANGLES })
        .finish(),
    );
    expected.splice(2, 15, ...captured(VERTICES[1]), ...captured(VERTICES[2]), ...captured(VERTICES[3]));
    assert.deepEqual(read(), expected);
    assert.equal(component.context(1)!.unsupported.size, 0);
  } finally {
    rutabaga.destroy();
  }
});

test("a draw counted from stream output draws the vertices its target captured", () => {
  const v = streamOutputScene();
  const { rutabaga } = v;
  const read = secondCapture(v);
  try {
    // Capture 3 vertices into target 40, then draw from that count with the capture buffer as the vertex input
    // (20-byte vertices, xy of GENERIC[0] read as position) while capturing into target 41 (resource 5, bytes
    // 72..132): GL leaves capturing into a buffer the draw reads undefined (NVIDIA writes garbage).
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createStreamoutTarget(41, 5, 72, 60)
        .setStreamoutTargets([40])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .setStreamoutTargets([])
        .setVertexBuffers([{ stride: 20, offset: 8, resourceId: 4 }])
        .setStreamoutTargets([41])
        // Mesa sends the source target's buffer size (120), not its handle.
        .drawVbo({ count: 0, mode: TRIANGLES, countFromSo: 120 })
        .setStreamoutTargets([])
        .finish(),
    );
    const words = read();
    const f = new Float32Array(new Uint32Array(words).buffer);
    // Second pass input vertex i = (2x, y, SENTINEL bits, w) of the first pass; GENERIC[0].xy = (4x, y).
    for (let i = 0; i < 3; i++) {
      assert.equal(f[18 + 5 * i], VERTICES[i]![0] * 4);
      assert.equal(f[18 + 5 * i + 1], VERTICES[i]![1]);
    }
    assert.equal(words[33], SENTINEL);
  } finally {
    rutabaga.destroy();
  }
});
