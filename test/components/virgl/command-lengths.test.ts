import assert from "node:assert/strict";
import { test } from "node:test";
import {
  SHADER_OFFSET_CONTINUATION,
  VIRGL_CMD_COUNT,
  VIRGL_CMD_NAMES,
  VirglCmd,
  VirglObject,
} from "../../../src/components/virgl/protocol/commands.ts";
import { decodeCommand } from "../../../src/components/virgl/protocol/decoder.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { VirglRefusal } from "../../../src/components/virgl/protocol/refusal.ts";
import { DwordReader, frameVirglStream } from "../../../src/components/virgl/protocol/stream.ts";
import { LEGAL_COMMAND_LENGTHS, LEGAL_OBJECT_LENGTHS, type LegalLengths } from "./protocol-lengths.ts";

type Outcome = "ok" | "size" | "invalid";

const reader = new DwordReader();

/** Frames and decodes one command: "ok", or the refusal's kind. */
function outcome(cmd: number, object: number, payload: number[]): Outcome | "iovec" {
  const frames = frameVirglStream(reader, reader.reset(new VirglEncoder().raw(cmd, object, payload).finish()));
  if (frames instanceof VirglRefusal) return frames.kind;
  const f = frames[0]!;
  const c = decodeCommand(reader, f.header, f.cmd, f.object, f.length);
  return c instanceof VirglRefusal ? c.kind : "ok";
}

/** A payload of `length` dwords whose fields are valid for `cmd` (zeros, but for the words decoders check). */
function payloadOf(cmd: number, object: number, length: number): number[] {
  const p = new Array<number>(length).fill(0);
  if (cmd === VirglCmd.SetFramebufferState && length > 0) p[0] = length - 2;
  if (cmd === VirglCmd.CreateObject && length > 0) {
    p[0] = 1; // handle
    // A shader chunk shorter than a first chunk's header is a continuation.
    if (object === VirglObject.Shader && length >= 3 && length < 5) p[2] = SHADER_OFFSET_CONTINUATION;
  }
  return p;
}

/** The boundary cases of `legal`: each side of min and max, and a broken list shape. */
function cases(legal: LegalLengths): [number, Outcome][] {
  const out: [number, Outcome][] = [];
  if (legal.min > 0) out.push([legal.min - 1, "size"]);
  out.push([legal.min, "ok"]);
  if (legal.max < 0xffff) out.push([legal.max, "ok"], [legal.max + 1, "size"]);
  else out.push([legal.min + 1000, "ok"]);
  if (legal.list !== undefined && legal.list.item > 1) out.push([legal.list.fixed + 1, "invalid"]);
  return out;
}

test("the hand-typed length table covers every command", () => {
  assert.deepEqual(Object.keys(LEGAL_COMMAND_LENGTHS), VIRGL_CMD_NAMES);
  assert.equal(VIRGL_CMD_NAMES.length, VIRGL_CMD_COUNT);
});

test("every command: lengths outside virgl_protocol.h's sizes are size errors, a broken list shape is invalid", () => {
  const failures: string[] = [];
  for (let cmd = 0; cmd < VIRGL_CMD_COUNT; cmd++) {
    if (cmd === VirglCmd.CreateObject) continue;
    const name = VIRGL_CMD_NAMES[cmd]!;
    const legal = LEGAL_COMMAND_LENGTHS[name]!;
    const object = legal.object ?? 0;
    for (const [length, expected] of cases(legal)) {
      const got = outcome(cmd, object, payloadOf(cmd, object, length));
      if (got !== expected) failures.push(`${name} in ${length} dwords: ${got}, expected ${expected}`);
    }
  }
  assert.deepEqual(failures, []);
});

test("SET_FRAMEBUFFER_STATE: its colour buffer count must match its length", () => {
  assert.equal(outcome(VirglCmd.SetFramebufferState, 0, [1, 0, 5]), "ok");
  assert.equal(outcome(VirglCmd.SetFramebufferState, 0, [2, 0, 5]), "invalid");
  assert.equal(outcome(VirglCmd.SetFramebufferState, 0, [0, 0, 5]), "invalid");
  assert.equal(outcome(VirglCmd.SetFramebufferState, 0, [9, 0, 0, 0, 0, 0, 0, 0, 0, 0]), "invalid");
});

test("every CREATE_OBJECT type: lengths outside its VIRGL_OBJ_*_SIZE are size errors", () => {
  const failures: string[] = [];
  for (const [object, legal] of LEGAL_OBJECT_LENGTHS) {
    for (const [length, expected] of cases(legal)) {
      // CREATE_OBJECT itself needs the handle word: an empty one is a size error before its type is looked at.
      const want = length === 0 ? "size" : expected;
      const got = outcome(VirglCmd.CreateObject, object, payloadOf(VirglCmd.CreateObject, object, length));
      if (got !== want) failures.push(`object ${object} in ${length} dwords: ${got}, expected ${want}`);
    }
  }
  assert.deepEqual(failures, []);
  // Types outside VIRGL_OBJECT_BLEND..VIRGL_OBJECT_MSAA_SURFACE are invalid.
  assert.equal(outcome(VirglCmd.CreateObject, VirglObject.Null, [1, 0, 0, 0]), "invalid");
  assert.equal(outcome(VirglCmd.CreateObject, VirglObject.MsaaSurface + 1, [1, 0, 0, 0]), "invalid");
  // A first shader chunk needs its 5-word header (and 2 words per stream output after the strides).
  assert.equal(outcome(VirglCmd.CreateObject, VirglObject.Shader, [1, 0, 0, 0]), "invalid");
  assert.equal(outcome(VirglCmd.CreateObject, VirglObject.Shader, [1, 0, 0, 0, 0]), "ok");
  assert.equal(outcome(VirglCmd.CreateObject, VirglObject.Shader, [1, 0, 0, 0, 1, 0, 0, 0, 0, 0]), "invalid");
  assert.equal(outcome(VirglCmd.CreateObject, VirglObject.Shader, [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), "ok");
});
