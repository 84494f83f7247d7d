import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeShaderType } from "../../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { type Rutabaga, transfer2d } from "../../../../src/index.ts";
import { bindPlainPipeline, createWithBacking, makeVirgl, PASS_VS, RGBA8, res } from "../helpers.ts";

// An indexed draw's vertex range comes from its indices, read back from the host once and then remembered while no
// buffer can have changed. Each way of changing the index buffer must be seen: a draw whose new indices reach past
// the 3-vertex buffer is refused, never drawn with the range remembered from the indices before.

const BIND_VERTEX_BUFFER = 1 << 4;
const BIND_INDEX_BUFFER = 1 << 5;
const BIND_STREAM_OUTPUT = 1 << 11;
const TRIANGLES = 4;
const R8 = 64;
const VS = PASS_VS;
const FS = "FRAG\nDCL OUT[0], COLOR\nIMM[0] FLT32 { 0.0, 1.0, 0.0, 1.0 }\n  0: MOV OUT[0], IMM[0]\n  1: END\n";
/** Index buffer (3): 8 bytes; bytes 0..2 are the draw's indices. Good indices 0,1,2; bad ones reach vertex 7. */
const GOOD = [0, 1, 2];
const BAD = [0, 1, 7];

/** A 4×4 target (1), a 3-vertex buffer (2), an 8-byte index buffer (3) holding {@link GOOD}, a spare buffer (4). */
function scene() {
  const v = makeVirgl();
  createWithBacking(v.rutabaga, 1, res({ width: 4, height: 4 }), 64);
  const vb = createWithBacking(
    v.rutabaga,
    2,
    res({ target: 0, format: R8, bind: BIND_VERTEX_BUFFER, width: 48, height: 1 }),
    48,
  );
  vb.set(new Uint8Array(Float32Array.of(-1, -1, 0, 1, 3, -1, 0, 1, -1, 3, 0, 1).buffer));
  v.rutabaga.transferWrite(1, 2, transfer2d(0, 0, 48, 1));
  const ib = createWithBacking(
    v.rutabaga,
    3,
    res({ target: 0, format: R8, bind: BIND_INDEX_BUFFER, width: 8, height: 1 }),
    8,
  );
  ib.set(GOOD);
  v.rutabaga.transferWrite(1, 3, transfer2d(0, 0, 8, 1));
  const spare = createWithBacking(
    v.rutabaga,
    4,
    res({ target: 0, format: R8, bind: BIND_INDEX_BUFFER | BIND_STREAM_OUTPUT, width: 64, height: 1 }),
    64,
  );
  spare.set(BAD);
  v.rutabaga.transferWrite(1, 4, transfer2d(0, 0, 8, 1));
  const setup = bindPlainPipeline(
    new VirglEncoder()
      .createSurface(10, 1, RGBA8)
      .setFramebufferState(0, [10])
      .createShader(20, PipeShaderType.Vertex, VS)
      .createShader(21, PipeShaderType.Fragment, FS)
      .bindShader(20, PipeShaderType.Vertex)
      .bindShader(21, PipeShaderType.Fragment)
      .setIndexBuffer(3, 1, 0),
  );
  v.rutabaga.submitCommand(1, setup.finish());
  return { ...v, ib };
}

const indexedDraw = () => new VirglEncoder().drawVbo({ count: 3, mode: TRIANGLES, indexed: true });

/** Draws indices 0..2 twice (the second from what was remembered), changes them with `change`, draws again. */
function assertChangeSeen(change: (r: Rutabaga, ib: Uint8Array) => void): void {
  const { rutabaga, ib } = scene();
  try {
    rutabaga.submitCommand(1, indexedDraw().finish());
    rutabaga.submitCommand(1, indexedDraw().finish());
    change(rutabaga, ib);
    assert.throws(() => rutabaga.submitCommand(1, indexedDraw().finish()), /vertex buffer/);
  } finally {
    rutabaga.destroy();
  }
}

test("indices uploaded again (TRANSFER_TO_HOST) are read again", () => {
  assertChangeSeen((r, ib) => {
    ib.set(BAD);
    r.transferWrite(1, 3, transfer2d(0, 0, 8, 1));
  });
});

test("indices written in the command stream (RESOURCE_INLINE_WRITE) are read again", () => {
  assertChangeSeen((r) => {
    r.submitCommand(1, new VirglEncoder().inlineWrite(3, transfer2d(0, 0, 3, 1), Uint8Array.from(BAD)).finish());
  });
});

test("indices copied from another buffer (RESOURCE_COPY_REGION) are read again", () => {
  assertChangeSeen((r) => {
    const at = { level: 0, x: 0, y: 0, z: 0 };
    r.submitCommand(
      1,
      new VirglEncoder().copyRegion({ resourceId: 3, ...at }, { resourceId: 4, ...at }, 3, 1, 1).finish(),
    );
  });
});

test("indices written by another context are read again", () => {
  assertChangeSeen((r) => {
    r.createContext(2, 0, "other");
    r.contextAttachResource(2, 3);
    r.contextAttachResource(2, 4);
    const at = { level: 0, x: 0, y: 0, z: 0 };
    r.submitCommand(
      2,
      new VirglEncoder().copyRegion({ resourceId: 3, ...at }, { resourceId: 4, ...at }, 3, 1, 1).finish(),
    );
  });
});

test("indices at another offset are their own run; back at the first offset the draw still goes through", () => {
  const { rutabaga, ib, component } = scene();
  try {
    ib.set([0, 1, 2, 0, 1, 7]);
    rutabaga.transferWrite(1, 3, transfer2d(0, 0, 8, 1));
    rutabaga.submitCommand(1, indexedDraw().finish());
    // Indices 3..5 reach vertex 7: another run, read and refused.
    assert.throws(
      () =>
        rutabaga.submitCommand(
          1,
          new VirglEncoder().setIndexBuffer(3, 1, 3).drawVbo({ count: 3, mode: TRIANGLES, indexed: true }).finish(),
        ),
      /vertex buffer/,
    );
    // Back at offset 0: still fine, from what was remembered.
    rutabaga.submitCommand(
      1,
      new VirglEncoder().setIndexBuffer(3, 1, 0).drawVbo({ count: 3, mode: TRIANGLES, indexed: true }).finish(),
    );
    assert.equal(component.context(1)!.unsupported.size, 0);
  } finally {
    rutabaga.destroy();
  }
});

test("indices captured by a draw's stream output are read again", () => {
  const { rutabaga } = scene();
  try {
    const ib = createWithBacking(
      rutabaga,
      5,
      res({ target: 0, format: R8, bind: BIND_INDEX_BUFFER | BIND_STREAM_OUTPUT, width: 64, height: 1 }),
      64,
    );
    ib.set(GOOD);
    rutabaga.transferWrite(1, 5, transfer2d(0, 0, 64, 1));
    const draw5 = () =>
      new VirglEncoder().setIndexBuffer(5, 1, 0).drawVbo({ count: 3, mode: TRIANGLES, indexed: true });
    rutabaga.submitCommand(1, draw5().finish());
    rutabaga.submitCommand(1, draw5().finish());
    // The first captured vertex is (-1, -1, 0, 1): its bytes 0, 0, 0x80 make index 2 vertex 128.
    const capture = {
      strides: [4, 0, 0, 0],
      outputs: [{ registerIndex: 0, startComponent: 0, numComponents: 4, buffer: 0, dstOffset: 0, stream: 0 }],
    };
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createShader(22, PipeShaderType.Vertex, VS, 0, 0xfff0, capture)
        .bindShader(22, PipeShaderType.Vertex)
        .createStreamoutTarget(41, 5, 0, 64)
        .setStreamoutTargets([41])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .setStreamoutTargets([])
        .bindShader(20, PipeShaderType.Vertex)
        .finish(),
    );
    assert.throws(() => rutabaga.submitCommand(1, draw5().finish()), /vertex buffer/);
  } finally {
    rutabaga.destroy();
  }
});
