import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { VIRGL_CMD_NAMES, VirglCmd, VirglObject } from "../../../src/components/virgl/protocol/commands.ts";
import { decodeCommand } from "../../../src/components/virgl/protocol/decoder.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { VirglRefusal } from "../../../src/components/virgl/protocol/refusal.ts";
import { DwordReader, frameVirglStream } from "../../../src/components/virgl/protocol/stream.ts";
import type { VirglCommand } from "../../../src/components/virgl/protocol/typed-commands.ts";
import { VirglShader } from "../../../src/components/virgl/state/shader.ts";

// vtest_protocol.h command ids.
const VCMD_SUBMIT_CMD = 6;
const VCMD_CREATE_RENDERER = 8;

/** Payload sizes in dwords from virgl_protocol.h (`VIRGL_*_SIZE`), typed here, not taken from our tables. */
const HEADER_SIZES: Readonly<Record<string, number>> = {
  Clear: 8, // VIRGL_OBJ_CLEAR_SIZE
  DrawVbo: 12, // VIRGL_DRAW_VBO_SIZE
  SetStencilRef: 1, // VIRGL_SET_STENCIL_REF_SIZE
  SetBlendColor: 4, // VIRGL_SET_BLEND_COLOR_SIZE
  SetSampleMask: 1, // VIRGL_SET_SAMPLE_MASK_SIZE
  SetPolygonStipple: 32, // VIRGL_POLYGON_STIPPLE_SIZE
  BindShader: 2, // VIRGL_BIND_SHADER_SIZE
  SetTessState: 6, // VIRGL_TESS_STATE_SIZE
  SetMinSamples: 1, // VIRGL_SET_MIN_SAMPLES_SIZE
  SetFramebufferStateNoAttach: 2, // VIRGL_SET_FRAMEBUFFER_STATE_NO_ATTACH_SIZE
  Transfer3D: 13, // VIRGL_TRANSFER3D_SIZE
};
const OBJECT_SIZES: Readonly<Record<number, number>> = {
  [VirglObject.Blend]: 11, // VIRGL_OBJ_BLEND_SIZE (VIRGL_MAX_COLOR_BUFS + 3)
  [VirglObject.Rasterizer]: 9, // VIRGL_OBJ_RS_SIZE
  [VirglObject.Dsa]: 5, // VIRGL_OBJ_DSA_SIZE
  [VirglObject.SamplerView]: 6, // VIRGL_OBJ_SAMPLER_VIEW_SIZE
  [VirglObject.SamplerState]: 9, // VIRGL_OBJ_SAMPLER_STATE_SIZE
  [VirglObject.Surface]: 5, // VIRGL_OBJ_SURFACE_SIZE
};

/** The SUBMIT_CMD payloads of a captured vtest connection. */
function submits(file: string): Uint8Array[] {
  const bytes = readFileSync(new URL(`../../fixtures/virgl/${file}`, import.meta.url));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  let at = 0;
  while (at + 8 <= bytes.byteLength) {
    const length = view.getUint32(at, true);
    const id = view.getUint32(at + 4, true);
    const size = id === VCMD_CREATE_RENDERER ? length : length * 4;
    if (id === VCMD_SUBMIT_CMD) out.push(bytes.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  assert.equal(at, bytes.byteLength, `${file} ends on a message boundary`);
  return out;
}

interface Decoded {
  command: VirglCommand;
  object: number;
  length: number;
  /** The command's bytes as Mesa sent them (header included). */
  bytes: Uint8Array;
}

function decodeAll(file: string): Decoded[] {
  const out: Decoded[] = [];
  for (const submit of submits(file)) {
    const r = new DwordReader();
    const frames = frameVirglStream(r, r.reset(submit));
    assert.ok(!(frames instanceof VirglRefusal), `${file}: ${JSON.stringify(frames)}`);
    for (const f of frames) {
      const c = decodeCommand(r, f.header, f.cmd, f.object, f.length);
      assert.ok(!(c instanceof VirglRefusal), `${file}: ${VIRGL_CMD_NAMES[f.cmd]}(${f.object}): ${JSON.stringify(c)}`);
      out.push({
        command: c,
        object: f.object,
        length: f.length,
        bytes: new Uint8Array(submit.subarray(f.header * 4, (f.header + 1 + f.length) * 4)),
      });
    }
  }
  return out;
}

for (const file of ["draw-arrays-colormaterial.vtest", "glsl-fs-color-matrix.vtest"]) {
  test(`every command of Mesa's ${file.replace(".vtest", "")} stream decodes, with virgl_protocol.h's sizes`, () => {
    const all = decodeAll(file);
    assert.ok(all.length > 100, `${all.length} commands`);
    const seen = new Set<string>();
    for (const d of all) {
      const name = VIRGL_CMD_NAMES[d.command.cmd]!;
      seen.add(name);
      if (name in HEADER_SIZES) assert.equal(d.length, HEADER_SIZES[name], name);
      if (d.command.cmd === VirglCmd.CreateObject && d.object in OBJECT_SIZES) {
        assert.equal(d.length, OBJECT_SIZES[d.object], `CreateObject(${d.object})`);
      }
    }
    for (const name of ["Clear", "DrawVbo", "CreateObject", "SetVertexBuffers", "SetViewportState", "Transfer3D"]) {
      assert.ok(seen.has(name), `${file} has ${name}`);
    }
  });

  test(`Mesa's ${file.replace(".vtest", "")} shaders arrive whole as TGSI text`, () => {
    const shaders = new Map<number, VirglShader>();
    for (const { command: c } of decodeAll(file)) {
      if (c.cmd !== VirglCmd.CreateObject) continue;
      if (c.desc.kind === "shader") shaders.set(c.handle, new VirglShader(c.desc));
      else if (c.desc.kind === "shader-continuation") shaders.get(c.handle)!.append(c.desc.text);
    }
    assert.ok(shaders.size >= 2);
    for (const s of shaders.values()) {
      assert.ok(s.complete, `${s.receivedBytes} of ${s.totalBytes} bytes`);
      assert.match(s.text, /^(VERT|FRAG|GEOM)\n/);
      assert.match(s.text, /END\n?$/);
      assert.ok(s.numTokens > 0);
    }
  });

  test(`the encoder writes ${file.replace(".vtest", "")}'s surfaces, framebuffers, clears and bindings byte for byte`, () => {
    let compared = 0;
    for (const { command: c, bytes } of decodeAll(file)) {
      const e = new VirglEncoder();
      switch (c.cmd) {
        case VirglCmd.CreateObject:
          if (c.desc.kind !== "surface" || c.objectType !== VirglObject.Surface) continue;
          e.createSurface(
            c.handle,
            c.desc.resourceId,
            c.desc.format,
            c.desc.levelOrFirstElement,
            c.desc.layersOrLastElement & 0xffff,
            c.desc.layersOrLastElement >>> 16,
          );
          break;
        case VirglCmd.SetFramebufferState:
          e.setFramebufferState(c.zsSurface, c.colorSurfaces);
          break;
        case VirglCmd.Clear:
          e.clear(c.buffers, [...new Uint32Array(c.color.buffer)], c.depth, c.stencil, true);
          break;
        case VirglCmd.BindShader:
          e.bindShader(c.handle, c.stage);
          break;
        case VirglCmd.BindObject:
          e.bindObject(c.objectType, c.handle);
          break;
        case VirglCmd.SetSubCtx:
          e.setSubCtx(c.subCtxId);
          break;
        case VirglCmd.DrawVbo:
          e.drawVbo(c);
          break;
        case VirglCmd.SetVertexBuffers:
          e.setVertexBuffers(c.buffers);
          break;
        case VirglCmd.Transfer3D:
          e.transfer3d(c.resourceId, c.box, c.direction);
          break;
        default:
          continue;
      }
      const encoded = e.finish();
      // Transfer usage (word 3) is a hint the decoder does not keep.
      if (c.cmd === VirglCmd.Transfer3D) new Uint32Array(encoded.buffer)[3] = new Uint32Array(bytes.buffer)[3]!;
      assert.deepEqual(
        [...new Uint32Array(encoded.buffer)],
        [...new Uint32Array(bytes.buffer)],
        VIRGL_CMD_NAMES[c.cmd],
      );
      compared++;
    }
    assert.ok(compared >= 10, `${compared} commands compared`);
  });
}
