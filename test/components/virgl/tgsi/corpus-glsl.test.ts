import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { producedVaryings } from "../../../../src/components/virgl/tgsi/glsl-bindings.ts";
import { emitGlsl } from "../../../../src/components/virgl/tgsi/glsl-emitter.ts";
import type { ShaderKey } from "../../../../src/components/virgl/tgsi/shader-key.ts";
import type { TgsiShader } from "../../../../src/components/virgl/tgsi/tgsi-ir.ts";
import { parseTgsi } from "../../../../src/components/virgl/tgsi/tgsi-parser.ts";
import { loadCorpus } from "./fixtures.ts";
import { GlCompiler } from "./gl-compiler.ts";

const corpus = loadCorpus();
const parsed = new Map<string, TgsiShader>();
let gl: GlCompiler;

before(() => {
  gl = new GlCompiler();
});
after(() => gl.destroy());

/** Every emulation a key can ask for switched on, to compile the state-dependent paths too. */
const BUSY_KEY: ShaderKey = {
  target: "glsl450",
  nrCbufs: 3,
  alphaFunc: 4,
  alphaRef: 0.5,
  twoSidedColor: true,
  flatShade: true,
  spriteCoordEnable: 0xff,
  polygonStipple: true,
  lowerLeftOrigin: false,
  clipPlaneEnable: 0x25,
  flipY: true,
  vsIntInputs: 0x2,
  vsUintInputs: 0x4,
  fsIntOutputs: 0x2,
  shadowSwizzle: { 0: [0, 0, 0, 5] },
};

test("all 86 corpus shaders parse, with the stage of their capture header", () => {
  assert.equal(corpus.length, 86);
  for (const s of corpus) {
    const r = parseTgsi(s.text);
    assert.ok(r.ok, `${s.file}: ${r.ok ? "" : r.error.message}`);
    assert.equal(r.shader.stage, s.stage, s.file);
    parsed.set(s.file, r.shader);
  }
});

function compileOrFail(file: string, shader: TgsiShader, key: ShaderKey): number {
  const g = emitGlsl(shader, key);
  assert.ok(g.ok, `${file}: ${g.ok ? "" : g.error.message}`);
  const c = gl.compile(shader.stage, g.glsl);
  assert.ok(c.ok, `${file} does not compile:\n${c.log}\n${g.glsl}`);
  return c.shader;
}

test("every corpus shader's GLSL compiles on the host GL (default key and an all-emulations key)", () => {
  for (const s of corpus) {
    const shader = parsed.get(s.file)!;
    gl.release(compileOrFail(s.file, shader, { target: "glsl450" }));
    gl.release(compileOrFail(s.file, shader, BUSY_KEY));
  }
});

test("VS, GS and FS of the same program link, varyings matched by semantic", () => {
  const bySource = new Map<string, { VERT: string[]; GEOM: string[]; FRAG: string[] }>();
  for (const s of corpus) {
    const g = bySource.get(s.source) ?? { VERT: [], GEOM: [], FRAG: [] };
    g[s.stage as "VERT" | "GEOM" | "FRAG"].push(s.file);
    bySource.set(s.source, g);
  }
  let linked = 0;
  let pastHost = 0;
  const varyings = gl.linkableVertexVaryings();
  for (const [source, g] of bySource) {
    for (const vs of g.VERT) {
      const vsShader = parsed.get(vs)!;
      // Past what the host links, the caps would have made the guest pack its varyings into fewer.
      if (producedVaryings(vsShader.info.outputs).length > varyings) {
        pastHost += Math.max(1, g.GEOM.length) * g.FRAG.length;
        continue;
      }
      for (const gs of g.GEOM.length > 0 ? g.GEOM : [undefined]) {
        for (const fs of g.FRAG) {
          const gsShader = gs === undefined ? undefined : parsed.get(gs)!;
          const last = gsShader ?? vsShader;
          const names = [vs];
          const shaders = [compileOrFail(vs, vsShader, { target: "glsl450" })];
          if (gsShader !== undefined) {
            names.push(gs!);
            shaders.push(
              compileOrFail(gs!, gsShader, {
                target: "glsl450",
                producerOutputs: producedVaryings(vsShader.info.outputs),
              }),
            );
          }
          names.push(fs);
          shaders.push(
            compileOrFail(fs, parsed.get(fs)!, {
              target: "glsl450",
              producer: last.stage,
              producerOutputs: producedVaryings(last.info.outputs),
            }),
          );
          const l = gl.link(shaders);
          assert.ok(l.ok, `${source}: ${names.join(" + ")} do not link:\n${l.log}`);
          linked++;
        }
      }
    }
  }
  // A host that counts gl_Position against the output components (NVIDIA) links fewer varyings than llvmpipe: the
  // corpus' programs past it are not linked there, and counted here.
  assert.ok(linked + pastHost >= 24 && linked >= 20, `only ${linked} programs linked (${pastHost} past the host)`);
});
