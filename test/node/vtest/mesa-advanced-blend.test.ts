import assert from "node:assert/strict";
import { test } from "node:test";
import { PIGLIT_BIN, withVtestServer } from "./mesa-namespace.ts";

// A GLES 3.2 fragment shader declaring advanced blend support reaches us as FS_BLEND_EQUATION_ADVANCED; the draw
// must still run (shader_runner cannot select an advanced equation, so blending stays off).
const SHADER_TEST = `[require]
GL ES >= 3.2
GLSL ES >= 3.20

[vertex shader]
#version 320 es
in vec4 piglit_vertex;
void main() { gl_Position = piglit_vertex; }

[fragment shader]
#version 320 es
precision highp float;
layout(blend_support_multiply) out;
layout(location = 0) out vec4 color;
void main() { color = vec4(0.0, 1.0, 0.0, 1.0); }

[test]
clear color 1.0 0.0 0.0 1.0
clear
draw rect -1 -1 2 2
probe all rgba 0.0 1.0 0.0 1.0
`;

test("a GLES 3.2 shader with layout(blend_support_multiply) draws through our server", {
  timeout: 120_000,
}, async () => {
  const { out, serverLog } = await withVtestServer(
    `cd /tmp
cat > /tmp/adv.shader_test <<'SHADER'
${SHADER_TEST}SHADER
${PIGLIT_BIN}/shader_runner_gles3 /tmp/adv.shader_test -auto -fbo 2>&1 | tail -n 5`,
    100_000,
  );
  assert.match(out, /PIGLIT: \{"result": "pass" \}/, `${out}\n${serverLog.slice(-3000)}`);
});
