import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { producedVaryings } from "../../../../src/components/virgl/tgsi/glsl-bindings.ts";
import { emitGlsl, inputQualifiers } from "../../../../src/components/virgl/tgsi/glsl-emitter.ts";
import type { ShaderKey } from "../../../../src/components/virgl/tgsi/shader-key.ts";
import type { TgsiShader } from "../../../../src/components/virgl/tgsi/tgsi-ir.ts";
import { parseTgsi } from "../../../../src/components/virgl/tgsi/tgsi-parser.ts";
import { loadCorpus } from "./fixtures.ts";
import { GlCompiler } from "./gl-compiler.ts";

// The GLSL ES 3.00 target on an OpenGL ES 3.0 context of the same driver.

let gl: GlCompiler;
before(() => {
  gl = new GlCompiler(true);
});
after(() => gl.destroy());

const corpus = loadCorpus().filter((s) => s.stage !== "GEOM");
const parsed = new Map<string, TgsiShader>(
  corpus.map((s) => {
    const r = parseTgsi(s.text);
    assert.ok(r.ok);
    return [s.file, r.shader];
  }),
);
/** What GLSL ES 3.00 cannot express, by corpus feature; anything else must compile. */
const ES_REFUSALS = /on GLSL ES 3\.00|sampler2DRect/;

test("corpus VS/FS: GLSL ES 3.00 compiles on an ES 3.0 context, or is refused as Unsupported for a missing feature", () => {
  let compiled = 0;
  for (const s of corpus) {
    const g = emitGlsl(parsed.get(s.file)!, { target: "glsl300es" });
    if (!g.ok) {
      assert.equal(g.error.code, "Unsupported");
      assert.match(g.error.reason, ES_REFUSALS, s.file);
      continue;
    }
    const c = gl.compile(s.stage, g.glsl);
    gl.release(c.shader);
    assert.ok(c.ok, `${s.file}:\n${c.log}\n${g.glsl}`);
    compiled++;
  }
  assert.ok(compiled >= 70, `only ${compiled} of ${corpus.length} compiled`);
});

test("corpus VS+FS programs link on ES with the FS's qualifiers repeated on the VS outputs", () => {
  const bySource = new Map<string, { VERT: string[]; FRAG: string[] }>();
  for (const s of corpus) {
    const g = bySource.get(s.source) ?? { VERT: [], FRAG: [] };
    g[s.stage as "VERT" | "FRAG"].push(s.file);
    bySource.set(s.source, g);
  }
  let linked = 0;
  const varyings = gl.linkableVertexVaryings();
  for (const [source, g] of bySource) {
    for (const vs of g.VERT) {
      for (const fs of g.FRAG) {
        const v = parsed.get(vs)!;
        const f = parsed.get(fs)!;
        // Past what the host links, the caps would have made the guest pack its varyings into fewer.
        if (producedVaryings(v.info.outputs).length > varyings) continue;
        const fsKey: ShaderKey = { target: "glsl300es", producerOutputs: producedVaryings(v.info.outputs) };
        const vsKey: ShaderKey = { target: "glsl300es", outputQualifiers: inputQualifiers(f, fsKey) };
        const vg = emitGlsl(v, vsKey);
        const fg = emitGlsl(f, fsKey);
        if (!vg.ok || !fg.ok) continue;
        const shaders = [gl.compile("VERT", vg.glsl).shader, gl.compile("FRAG", fg.glsl).shader];
        const l = gl.link(shaders);
        assert.ok(l.ok, `${source}: ${vs} + ${fs}:\n${l.log}\n${vg.glsl}\n${fg.glsl}`);
        linked++;
      }
    }
  }
  assert.ok(linked >= 20, `only ${linked} programs linked`);
});

test("on ES a flat FS input needs the VS output qualified the same (outputQualifiers)", () => {
  const vs = parseTgsi(
    "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL OUT[1], GENERIC[0]\n 0: MOV OUT[0], IN[0]\n 1: MOV OUT[1], IN[0]\n 2: END\n",
  );
  const fs = parseTgsi("FRAG\nDCL IN[0], GENERIC[0], CONSTANT\nDCL OUT[0], COLOR\n 0: MOV OUT[0], IN[0]\n 1: END\n");
  assert.ok(vs.ok && fs.ok);
  const fsKey: ShaderKey = { target: "glsl300es" };
  const f = emitGlsl(fs.shader, fsKey);
  assert.ok(f.ok);
  assert.deepEqual(inputQualifiers(fs.shader, fsKey), { GENERIC0: "flat" });
  for (const [qualifiers, links] of [
    [undefined, false],
    [inputQualifiers(fs.shader, fsKey), true],
  ] as const) {
    const v = emitGlsl(vs.shader, { target: "glsl300es", ...(qualifiers ? { outputQualifiers: qualifiers } : {}) });
    assert.ok(v.ok);
    const l = gl.link([gl.compile("VERT", v.glsl).shader, gl.compile("FRAG", f.glsl).shader]);
    assert.equal(l.ok, links, l.log);
  }
});
