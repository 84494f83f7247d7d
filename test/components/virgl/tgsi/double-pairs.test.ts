import assert from "node:assert/strict";
import { test } from "node:test";
import { emitGlsl } from "../../../../src/components/virgl/tgsi/glsl-emitter.ts";
import { parseTgsi } from "../../../../src/components/virgl/tgsi/tgsi-parser.ts";

function glsl(body: string): string {
  const r = parseTgsi(`VERT\nDCL OUT[0], POSITION\nDCL TEMP[0..2]\n${body}  9: END\n`);
  assert.ok(r.ok, r.ok ? "" : r.error.message);
  const g = emitGlsl(r.shader, { target: "glsl450" });
  assert.ok(g.ok, g.ok ? "" : g.error.message);
  return g.glsl;
}

test("a double op writing only .zw reads its operands' first pair (Mesa places them in .xy)", () => {
  const zw = glsl("  0: DADD TEMP[0].zw, TEMP[1], TEMP[2]\n");
  assert.match(
    zw,
    /temp0\.zw = uintBitsToFloat\(unpackDouble2x32\(\(packDouble2x32\([^;]*\.xy\) \+ packDouble2x32\([^;]*\.xy\)\)\)\);/,
  );
  const both = glsl("  0: DADD TEMP[0], TEMP[1], TEMP[2]\n");
  assert.match(both, /temp0\.xy = [^;]*\.xy\) \+ [^;]*\.xy\)/);
  assert.match(both, /temp0\.zw = [^;]*\.zw\) \+ [^;]*\.zw\)/);
});
