import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  PipeClear,
  VIRGL_CMD_COUNT,
  VIRGL_CMD_NAMES,
  VirglCmd,
  VirglObject,
} from "../../../src/components/virgl/protocol/commands.ts";
import { decodeCommand } from "../../../src/components/virgl/protocol/decoder.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { VirglRefusal } from "../../../src/components/virgl/protocol/refusal.ts";
import { DwordReader, frameVirglStream } from "../../../src/components/virgl/protocol/stream.ts";
import { LEGAL_COMMAND_LENGTHS, LEGAL_OBJECT_LENGTHS } from "./protocol-lengths.ts";

const RUNS = Number(process.env.FC_RUNS ?? 2000);

/** Frames and decodes a whole stream; returns the typed commands or the first refusal. */
function decodeStream(reader: DwordReader, bytes: Uint8Array) {
  const frames = frameVirglStream(reader, reader.reset(bytes));
  if (frames instanceof VirglRefusal) return frames;
  const out = [];
  for (const f of frames) {
    const c = decodeCommand(reader, f.header, f.cmd, f.object, f.length);
    if (c instanceof VirglRefusal) return c;
    out.push(c);
  }
  return out;
}

// Words biased toward the edges decoders branch on: small counts, stage ids, the continuation bit, all ones.
const word = fc.oneof(
  fc.integer({ min: 0, max: 8 }),
  fc.constantFrom(0x80000000, 0xffffffff, 0xffff, 0x10000, 64, 65),
  fc.integer({ min: 0, max: 0xffffffff }),
);
const objectType = fc.integer({ min: 0, max: VirglObject.MsaaSurface + 2 });
/** The hand-typed rule for a command header (unknown commands and object types get a loose 0..4). */
function legalOf(cmd: number, object: number) {
  return (
    (cmd === VirglCmd.CreateObject ? LEGAL_OBJECT_LENGTHS.get(object) : undefined) ??
    LEGAL_COMMAND_LENGTHS[VIRGL_CMD_NAMES[cmd] ?? ""] ?? { min: 0, max: 4 }
  );
}

const framed = fc.tuple(fc.integer({ min: 0, max: VIRGL_CMD_COUNT + 2 }), objectType).chain(([cmd, object]) => {
  // Lengths from the hand-typed table (not the decoder's own): each side of both ends, or anywhere near min.
  const rule = legalOf(cmd, object);
  const edges = [rule.min - 1, rule.min, rule.max, rule.max + 1].filter((n) => n >= 0 && n <= rule.min + 40);
  const length = fc.oneof(
    fc.constantFrom(...edges),
    fc.integer({ min: Math.max(0, rule.min - 1), max: Math.min(rule.max + 1, rule.min + 12) }),
  );
  return fc.tuple(
    fc.constant(cmd),
    fc.constant(object),
    length.chain((n) => fc.array(word, { minLength: n, maxLength: n })),
  );
});

test("the decoder turns any dwords into typed commands or typed refusals, never a throw", () => {
  const reader = new DwordReader();
  const stream = fc.array(framed, { maxLength: 8 }).map((cmds) => {
    const e = new VirglEncoder();
    for (const [c, o, p] of cmds) e.raw(c, o, p);
    return e.finish();
  });
  const raw = fc.uint32Array({ maxLength: 64 }).map((w) => new Uint8Array(w.buffer));
  const outcomes = { decoded: 0, refused: 0 };
  fc.assert(
    fc.property(fc.oneof({ arbitrary: stream, weight: 4 }, { arbitrary: raw, weight: 1 }), (bytes) => {
      const result = decodeStream(reader, bytes);
      if (result instanceof VirglRefusal) {
        assert.ok(["size", "invalid"].includes(result.kind), result.kind);
        outcomes.refused++;
      } else {
        for (const c of result) assert.ok(c.cmd >= 0 && c.cmd < VIRGL_CMD_COUNT);
        outcomes.decoded++;
      }
      // The reader is reused: a known stream still decodes to what was encoded.
      const again = decodeStream(
        reader,
        new VirglEncoder().setSubCtx(3).clear(PipeClear.Color0, [1, 0, 0, 1]).finish(),
      );
      assert.ok(!(again instanceof VirglRefusal));
      assert.deepEqual(
        again.map((c) => c.cmd),
        [VirglCmd.SetSubCtx, VirglCmd.Clear],
      );
    }),
    { numRuns: RUNS },
  );
  assert.ok(outcomes.decoded > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
});

test("one known command: a length outside the hand-typed min..max is a size error, one inside never is", () => {
  const reader = new DwordReader();
  const known = framed.filter(([cmd, object]) => {
    if (cmd >= VIRGL_CMD_COUNT) return false;
    return cmd !== VirglCmd.CreateObject || LEGAL_OBJECT_LENGTHS.has(object);
  });
  const seen = { inside: 0, outside: 0 };
  fc.assert(
    fc.property(known, ([cmd, object, payload]) => {
      const legal = legalOf(cmd, object);
      const result = decodeStream(reader, new VirglEncoder().raw(cmd, object, payload).finish());
      const kind = result instanceof VirglRefusal ? result.kind : "ok";
      // CREATE_OBJECT needs its handle word before the type's own rule applies.
      const outside =
        payload.length < legal.min ||
        payload.length > legal.max ||
        (cmd === VirglCmd.CreateObject && payload.length === 0);
      if (outside) {
        seen.outside++;
        assert.equal(kind, "size", `${VIRGL_CMD_NAMES[cmd]} object ${object} in ${payload.length} dwords`);
      } else {
        seen.inside++;
        assert.notEqual(kind, "size", `${VIRGL_CMD_NAMES[cmd]} object ${object} in ${payload.length} dwords`);
      }
    }),
    { numRuns: RUNS },
  );
  assert.ok(seen.inside > 0 && seen.outside > 0, JSON.stringify(seen));
});

test("length rules: a size error for lengths outside min..max, an invalid command for a broken list shape", () => {
  const reader = new DwordReader();
  const kindOf = (bytes: Uint8Array) => {
    const r = decodeStream(reader, bytes);
    return r instanceof VirglRefusal ? r.kind : "ok";
  };
  // virgl_protocol.h: VIRGL_OBJ_CLEAR_SIZE 8; VIRGL_SET_VIEWPORT_STATE_SIZE(n) = 6n + 1; index buffer 1 or 3.
  assert.equal(kindOf(new VirglEncoder().raw(VirglCmd.Clear, 0, new Array(7).fill(0)).finish()), "size");
  assert.equal(kindOf(new VirglEncoder().raw(VirglCmd.Clear, 0, new Array(8).fill(0)).finish()), "ok");
  assert.equal(kindOf(new VirglEncoder().raw(VirglCmd.SetViewportState, 0, new Array(7).fill(0)).finish()), "ok");
  assert.equal(kindOf(new VirglEncoder().raw(VirglCmd.SetViewportState, 0, new Array(8).fill(0)).finish()), "invalid");
  assert.equal(kindOf(new VirglEncoder().raw(VirglCmd.SetIndexBuffer, 0, [1, 2]).finish()), "invalid");
  assert.equal(kindOf(new VirglEncoder().raw(VirglCmd.SetIndexBuffer, 0, [1, 2, 0]).finish()), "ok");
  // VIRGL_OBJ_DSA_SIZE 5, VIRGL_OBJ_SAMPLER_VIEW_SIZE 6; handle 0 is refused; unknown object types are refused.
  assert.equal(kindOf(new VirglEncoder().raw(VirglCmd.CreateObject, VirglObject.Dsa, [1, 0, 0, 0]).finish()), "size");
  assert.equal(kindOf(new VirglEncoder().createDsa(1, 0, 0, 0).finish()), "ok");
  assert.equal(kindOf(new VirglEncoder().createDsa(0, 0, 0, 0).finish()), "invalid");
  assert.equal(kindOf(new VirglEncoder().raw(VirglCmd.CreateObject, 99, [1]).finish()), "invalid");
  assert.equal(kindOf(new VirglEncoder().createSamplerView(5, 1, 67).finish()), "ok");
  // BIND_SHADER with a stage past PIPE_SHADER_COMPUTE (5).
  assert.equal(kindOf(new VirglEncoder().bindShader(1, 6).finish()), "invalid");
});

test("state objects decode to the fields the encoder wrote", () => {
  const reader = new DwordReader();
  const bytes = new VirglEncoder()
    // PIPE_BLEND_ADD 0, PIPE_BLENDFACTOR_SRC_ALPHA 3, INV_SRC_ALPHA 0x13; colour mask RGBA.
    .createBlend(1, 0, 0, [1 | (0 << 1) | (3 << 4) | (0x13 << 9) | (0 << 14) | (1 << 17) | (0x11 << 22) | (0xf << 27)])
    // depth enabled, write, PIPE_FUNC_LESS (1); front stencil enabled, PIPE_FUNC_ALWAYS (7), masks 0xff.
    .createDsa(2, 1 | (1 << 1) | (1 << 2), 1 | (7 << 1) | (0xff << 13) | (0xff << 21), 0, 0.5)
    .createVertexElements(3, [
      { srcOffset: 0, instanceDivisor: 0, vertexBufferIndex: 0, format: 30 },
      { srcOffset: 12, instanceDivisor: 1, vertexBufferIndex: 1, format: 31 },
    ])
    .createShader(4, 0, `VERT\n${"DCL IN[0]\n".repeat(40)}END\n`, 7, 16)
    .finish();
  const result = decodeStream(reader, bytes);
  assert.ok(!(result instanceof VirglRefusal));
  const [blend, dsa, ve, ...shader] = result;
  assert.ok(blend?.cmd === VirglCmd.CreateObject && blend.desc.kind === "blend");
  assert.deepEqual(blend.desc.rt[0], {
    enable: true,
    rgbFunc: 0,
    rgbSrcFactor: 3,
    rgbDstFactor: 0x13,
    alphaFunc: 0,
    alphaSrcFactor: 1,
    alphaDstFactor: 0x11,
    colorMask: 0xf,
  });
  assert.equal(blend.desc.rt[1]?.enable, false);
  assert.ok(dsa?.cmd === VirglCmd.CreateObject && dsa.desc.kind === "dsa");
  assert.equal(dsa.desc.depthEnabled, true);
  assert.equal(dsa.desc.depthFunc, 1);
  assert.equal(dsa.desc.alphaRef, 0.5);
  assert.deepEqual(dsa.desc.stencil[0], {
    enabled: true,
    func: 7,
    failOp: 0,
    zpassOp: 0,
    zfailOp: 0,
    valueMask: 0xff,
    writeMask: 0xff,
  });
  assert.ok(ve?.cmd === VirglCmd.CreateObject && ve.desc.kind === "vertex-elements");
  assert.deepEqual(ve.desc.elements[1], { srcOffset: 12, instanceDivisor: 1, vertexBufferIndex: 1, format: 31 });
  // 16 text dwords per chunk: the first chunk and continuations at 64-byte offsets.
  assert.ok(shader.length > 3);
  assert.ok(shader.every((c) => c.cmd === VirglCmd.CreateObject));
  const kinds = shader.map((c) => (c.cmd === VirglCmd.CreateObject ? c.desc.kind : ""));
  assert.deepEqual(kinds, ["shader", ...new Array(shader.length - 1).fill("shader-continuation")]);
});
