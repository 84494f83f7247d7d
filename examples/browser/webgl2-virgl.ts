// A guest's 3D in a page: the virtio-gpu device on a virgl library whose host GL is WebGL2 (`WebGl2HostGl`), the
// scanout painted on a canvas. Here a recorded guest session plays the part of the guest; in an emulator the guest's
// virtio-gpu driver fills the control queue instead (see embed-device.ts) and `rutabaga` is the same.
import { buildWebGl2Rutabaga, CanvasSink } from "rutabaga-ts/browser";
import { replayTrace } from "rutabaga-ts/virtio-gpu";

const canvas = document.querySelector("canvas") ?? document.body.appendChild(document.createElement("canvas"));
// The GL context renders off screen; only the scanout reaches the page, through the sink.
const gl = new OffscreenCanvas(1, 1).getContext("webgl2");
if (gl === null) throw new Error("no WebGL2 in this browser");

const trace = new Uint8Array(await (await fetch("kmscube-virgl.trace")).arrayBuffer());
const result = replayTrace(trace, new CanvasSink(canvas), {
  rutabaga: (fenceHandler) => buildWebGl2Rutabaga(gl, fenceHandler, { warn: (m) => console.warn(m) }),
  // A trace recorded on a GL 4.3 host asks for more than WebGL2 offers: play it anyway and see what is refused.
  onCapsetShortfall: (capset, fields) => console.info(`capset ${capset}: ${fields.length} fields not offered`),
});
console.info(`${result.requests} requests, ${[...result.errors.values()].reduce((a, b) => a + b, 0)} failed`);
