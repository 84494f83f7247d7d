import type { HostGl } from "../../../src/components/virgl/host-gl/host-gl.ts";
import { VirglObject } from "../../../src/components/virgl/protocol/commands.ts";
import { floatBits, VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { VirglComponent } from "../../../src/components/virgl/virgl-component.ts";
import {
  type ResourceCreate3D,
  type Rutabaga,
  RutabagaBuilder,
  RutabagaComponentType,
  type RutabagaFence,
  transfer2d,
  VirglBind,
  VirtioGpuFormat,
} from "../../../src/index.ts";
import { virglComponentFactory } from "../../../src/node/gl/virgl-factory.ts";

/**
 * A Rutabaga with the virgl component on the host GL (capsets VIRGL and VIRGL2), context 1 created; `gl` replaces
 * the host GL the factory opens (a wrapper over it, say).
 */
export function makeVirgl(
  hostMemoryLimit?: number,
  gl?: HostGl,
): {
  rutabaga: Rutabaga;
  fences: RutabagaFence[];
  component: VirglComponent;
} {
  const fences: RutabagaFence[] = [];
  let component: VirglComponent | undefined;
  const builder = new RutabagaBuilder((1n << 1n) | (1n << 2n), (f) => fences.push(f));
  if (hostMemoryLimit !== undefined) builder.setHostMemoryLimit(hostMemoryLimit);
  const rutabaga = builder
    .setComponentFactory(RutabagaComponentType.VirglRenderer, (init) => {
      component = gl === undefined ? (virglComponentFactory(init) as VirglComponent) : new VirglComponent(init, gl);
      return component;
    })
    .setWarningHandler((m) => {
      throw new Error(m);
    })
    .build();
  rutabaga.createContext(1, 2, "test");
  if (component === undefined) throw new Error("virgl component not built");
  return { rutabaga, fences, component };
}

/** `VIRGL_FORMAT_R8G8B8A8_UNORM` (virgl_formats.h). */
export const RGBA8 = 67;

/** Resource creation arguments with defaults for a 2D RGBA8 texture. */
export function res(over: Partial<ResourceCreate3D>): ResourceCreate3D {
  return {
    target: 2,
    format: 67,
    bind: 2,
    width: 4,
    height: 4,
    depth: 1,
    arraySize: 1,
    lastLevel: 0,
    nrSamples: 0,
    flags: 0,
    ...over,
  };
}

/** `VIRGL_BIND_SCANOUT` (virgl_hw.h): the library does not look at it. */
const VIRGL_BIND_SCANOUT = 1 << 18;
/** Render target | sampler view | scanout, the binds Mesa gives kmscube's buffers. */
export const SCANOUT_BIND = VirglBind.RenderTarget | VirglBind.SamplerView | VIRGL_BIND_SCANOUT;

/** A `width`×`height` B8G8R8X8 scanout buffer, as Mesa creates kmscube's. */
export function scanoutBuffer(width: number, height: number): ResourceCreate3D {
  return res({ format: VirtioGpuFormat.B8G8R8X8Unorm, bind: SCANOUT_BIND, width, height });
}

/** Creates a resource with `bytes` of backing attached to context 1; returns the backing. */
export function createWithBacking(r: Rutabaga, id: number, create: ResourceCreate3D, bytes: number): Uint8Array {
  r.resourceCreate3d(id, create);
  const backing = new Uint8Array(bytes);
  r.attachBacking(id, [backing]);
  r.contextAttachResource(1, id);
  return backing;
}

/** Builds a virgl command stream from `[cmd, object, ...payload]` entries (for tests outside this folder). */
export function stream(...cmds: (readonly number[])[]): Uint8Array {
  const e = new VirglEncoder();
  for (const [cmd, object, ...payload] of cmds) e.raw(cmd!, object!, payload);
  return e.finish();
}

/** The bits of a float as a dword. */
export const f32bits = floatBits;

/** `VIRGL_FORMAT_R32G32B32A32_FLOAT` (virgl_formats.h). */
export const RGBA32F = 31;

/** `PIPE_PRIM_TRIANGLES` (p_defines.h). */
export const TRIANGLES = 4;
/** A vertex shader passing IN[0] through as the position. */
export const PASS_VS = "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\n  0: MOV OUT[0], IN[0]\n  1: END\n";
/** A fragment shader writing CONST[0] as its colour to every colour buffer. */
export const CONST_COLOR_FS =
  "FRAG\nPROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\nDCL OUT[0], COLOR\nDCL CONST[0]\n  0: MOV OUT[0], CONST[0]\n  1: END\n";

/** `VIRGL_BIND_VERTEX_BUFFER` (virgl_hw.h) and `VIRGL_FORMAT_R8_UNORM`, a buffer's format. */
const BIND_VERTEX_BUFFER = 1 << 4;
const R8 = 64;

/**
 * Resource `id` (default 2): a vertex buffer holding one triangle, (-1,-1) (3,-1) (-1,3), that covers the whole
 * viewport, for {@link bindPlainPipeline}'s vec4 attribute.
 */
export function fullScreenTriangle(r: Rutabaga, id = 2): void {
  const vb = createWithBacking(
    r,
    id,
    res({ target: 0, format: R8, bind: BIND_VERTEX_BUFFER, width: 48, height: 1 }),
    48,
  );
  vb.set(new Uint8Array(Float32Array.of(-1, -1, 0, 1, 3, -1, 0, 1, -1, 3, 0, 1).buffer));
  r.transferWrite(1, id, transfer2d(0, 0, 48, 1));
}

/** Reads the 4×4 RGBA8 resource `id` (default 1, backing `target`) back as 16 `[r, g, b, a]` pixels, row by row. */
export function readPixels4x4(r: Rutabaga, target: Uint8Array, id = 1): number[][] {
  r.transferRead(1, id, transfer2d(0, 0, 4, 4));
  return Array.from({ length: 16 }, (_, i) => [...target.subarray(i * 4, i * 4 + 4)]);
}

/**
 * The fixed-function state every draw test starts from: colour writes on and blending off (blend 30), depth clip on
 * and nothing culled (rasterizer 31), no depth or stencil test (DSA 32), one vec4 float attribute from vertex buffer 0
 * (elements 33, resource 2, stride 16) and a 4×4 viewport.
 */
export function bindPlainPipeline(e: VirglEncoder): VirglEncoder {
  return e
    .createBlend(30, 0, 0, [0xf << 27])
    .bindObject(VirglObject.Blend, 30)
    .createRasterizer(31, 1 << 1)
    .bindObject(VirglObject.Rasterizer, 31)
    .createDsa(32, 0, 0, 0)
    .bindObject(VirglObject.Dsa, 32)
    .createVertexElements(33, [{ srcOffset: 0, instanceDivisor: 0, vertexBufferIndex: 0, format: RGBA32F }])
    .bindObject(VirglObject.VertexElements, 33)
    .setVertexBuffers([{ stride: 16, offset: 0, resourceId: 2 }])
    .setViewports(0, [{ scale: [2, 2, 0.5], translate: [2, 2, 0.5] }]);
}
