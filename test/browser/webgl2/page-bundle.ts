// Bundles `WebGl2HostGl`, the TGSI → GLSL emitter, the GL constants, the virgl component and the trace replay into one script that a blank page loads as
// the global `rutabagaWebGl2`, so a test drives the host GL in Chromium without a page of its own.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** The page script (IIFE, global `rutabagaWebGl2`). */
export async function webGl2PageScript(): Promise<string> {
  const result = await build({
    stdin: {
      contents: [
        'export { WebGl2HostGl } from "./src/browser/webgl2/webgl2-host-gl.ts";',
        'export { buildWebGl2Rutabaga } from "./src/browser/webgl2/webgl2-rutabaga.ts";',
        'export { emitGlsl, parseTgsi, inputQualifiers } from "./src/components/virgl/tgsi/index.ts";',
        'export { GL } from "./src/components/virgl/host-gl/gl-constants.ts";',
        'export { RutabagaError } from "./src/rutabaga/error.ts";',
        'export { RutabagaBuilder } from "./src/rutabaga/builder.ts";',
        'export { VirglComponent } from "./src/components/virgl/virgl-component.ts";',
        'export { FramebufferSink, replayTrace } from "./src/virtio-gpu/index.ts";',
      ].join("\n"),
      resolveDir: ROOT,
      loader: "ts",
    },
    bundle: true,
    format: "iife",
    globalName: "rutabagaWebGl2",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}
