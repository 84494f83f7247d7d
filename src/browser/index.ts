/**
 * rutabaga-ts in the browser: a canvas display sink, guest RAM and a virtio transport over `SharedArrayBuffer`
 * for a device in a Web Worker, trace players, and `WebGl2HostGl` (virgl on a WebGL2 context). No Node built-in is used.
 */
export { CanvasSink, type CanvasSinkOptions, type CursorPlacement, type SinkCanvas } from "./canvas-sink.ts";
export { convertToRgba, type WordRect, wordsOf } from "./rgba.ts";
export { type DisplayMessage, isDisplayMessage, SharedFrameReceiver, SharedFrameSink } from "./shared-display.ts";
export {
  CONTROL_BYTES,
  ControlWord,
  PEER_TIMEOUT_MS,
  type SharedRegion,
  SharedTransport,
  sharedGuestMemory,
} from "./shared-transport.ts";
export { replayIntoSharedRam, type SharedReplayResult } from "./trace-driver.ts";
export {
  CONTROL_QUEUE_SIZE,
  layoutTrace,
  MAX_SHARED_RAM_BYTES,
  RESPONSE_BYTES,
  type TraceLayout,
} from "./trace-layout.ts";
export { TraceStepper } from "./trace-stepper.ts";
export { WebGl2HostGl } from "./webgl2/webgl2-host-gl.ts";
export { buildWebGl2Rutabaga, type WebGl2RutabagaOptions } from "./webgl2/webgl2-rutabaga.ts";
