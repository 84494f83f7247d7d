// npm run bench -- snapshot: snapshot and restore of virgl sessions at 1280×800. A kmscube-like session (a scanout
// buffer, depth, a cube's vertices, one shader pair) and a glmark2-like one (four 512×512 mipmapped textures, vertex,
// index and uniform buffers, six shader pairs). Each is measured against rebuilding the same session from scratch in
// a new instance (creating the resources, uploading their contents, submitting the set-up stream), in the same run.
// Restore is split by wall time (uploads, contexts, the rest: decoding and checking); the first draw after a restore
// compiles the programs, reported apart.
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { gunzipSync } from "node:zlib";
import { PipeShaderType, VirglObject } from "../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../src/components/virgl/protocol/encoder.ts";
import type { VirglComponent } from "../../src/components/virgl/virgl-component.ts";
import { type ResourceCreate3D, type Rutabaga, transfer2d } from "../../src/index.ts";
import { replayTraceOnHost } from "../../src/node/gl/trace-replay.ts";
import { virglComponentFactory } from "../../src/node/gl/virgl-factory.ts";
import { buildVirglRutabaga } from "../../src/node/gl/virgl-rutabaga.ts";
import { FramebufferSink } from "../../src/virtio-gpu/index.ts";
import { res, scanoutBuffer } from "../../test/components/virgl/helpers.ts";
import { median } from "../harness.ts";

const W = 1280;
const H = 800;
const RUNS = 5;
const Z24S8 = 19;
const R8 = 64;
const BIND_DEPTH_STENCIL = 1 << 0;
const BIND_SAMPLER_VIEW = 1 << 3;
const BIND_VERTEX_BUFFER = 1 << 4;
const BIND_INDEX_BUFFER = 1 << 5;
const BIND_CONSTANT_BUFFER = 1 << 6;

function instance(): { rutabaga: Rutabaga; component: VirglComponent } {
  let component: VirglComponent | undefined;
  const rutabaga = buildVirglRutabaga(() => {}, {
    factory: (init) => {
      component = virglComponentFactory(init) as VirglComponent;
      return component;
    },
  });
  return { rutabaga, component: component! };
}

interface Resource {
  id: number;
  create: ResourceCreate3D;
  bytes: number;
}

function vs(k: number): string {
  return `VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL OUT[1], GENERIC[0]\nIMM[0] FLT32 { 0.5, ${k}.0, 0.0, 0.0 }\n  0: MOV OUT[0], IN[0]\n  1: MAD OUT[1], IN[0], IMM[0].xxxx, IMM[0].xxzz\n  2: END\n`;
}
function fs(k: number): string {
  return `FRAG\nPROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\nDCL IN[0], GENERIC[0], PERSPECTIVE\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], 2D, FLOAT\nDCL CONST[0]\nDCL TEMP[0]\nIMM[0] FLT32 { 0.${k}, 0.0, 0.0, 0.0 }\n  0: TEX TEMP[0], IN[0], SAMP[0], 2D\n  1: ADD TEMP[0], TEMP[0], CONST[0]\n  2: ADD OUT[0], TEMP[0], IMM[0].xxxx\n  3: END\n`;
}

/** A session: its resources and the set-up stream; `build` makes it in `r` (context 1 exists). */
function session(kind: "kmscube" | "glmark2") {
  const resources: Resource[] = [
    { id: 1, create: scanoutBuffer(W, H), bytes: W * H * 4 },
    { id: 2, create: res({ format: Z24S8, bind: BIND_DEPTH_STENCIL, width: W, height: H }), bytes: W * H * 4 },
    {
      id: 3,
      create: res({ target: 0, format: R8, bind: BIND_VERTEX_BUFFER, width: 36 * 16 * 4, height: 1 }),
      bytes: 36 * 16 * 4,
    },
  ];
  const shaders = kind === "kmscube" ? 1 : 6;
  if (kind === "glmark2") {
    for (let t = 0; t < 4; t++) {
      let bytes = 0;
      for (let l = 0; l < 10; l++) bytes += Math.max(1, 512 >> l) ** 2 * 4;
      resources.push({
        id: 10 + t,
        create: res({ bind: BIND_SAMPLER_VIEW, width: 512, height: 512, lastLevel: 9 }),
        bytes,
      });
    }
    resources.push({
      id: 20,
      create: res({ target: 0, format: R8, bind: BIND_INDEX_BUFFER, width: 16384, height: 1 }),
      bytes: 16384,
    });
    for (const id of [21, 22]) {
      resources.push({
        id,
        create: res({ target: 0, format: R8, bind: BIND_CONSTANT_BUFFER, width: 4096, height: 1 }),
        bytes: 4096,
      });
    }
  }
  const setup = () => {
    const e = new VirglEncoder()
      .createSurface(100, 1, scanoutBuffer(W, H).format)
      .createSurface(101, 2, Z24S8)
      .setFramebufferState(101, [100])
      .createBlend(30, 0, 0, [0xf << 27])
      .bindObject(VirglObject.Blend, 30)
      .createRasterizer(31, 1 << 1)
      .bindObject(VirglObject.Rasterizer, 31)
      .createDsa(32, 0, 0, 0)
      .bindObject(VirglObject.Dsa, 32)
      .createVertexElements(33, [{ srcOffset: 0, instanceDivisor: 0, vertexBufferIndex: 0, format: 31 }])
      .bindObject(VirglObject.VertexElements, 33)
      .setVertexBuffers([{ stride: 16, offset: 0, resourceId: 3 }])
      .setViewports(0, [{ scale: [W / 2, H / 2, 0.5], translate: [W / 2, H / 2, 0.5] }])
      .createSamplerState(41, 0);
    for (let k = 0; k < shaders; k++)
      e.createShader(200 + 2 * k, PipeShaderType.Vertex, vs(k)).createShader(
        201 + 2 * k,
        PipeShaderType.Fragment,
        fs(k),
      );
    const textures = resources.filter((r) => r.id >= 10 && r.id < 20);
    textures.forEach((t, i) => {
      e.createSamplerView(300 + i, t.id, 67, { lastLevel: 9 });
    });
    e.bindShader(200, PipeShaderType.Vertex).bindShader(201, PipeShaderType.Fragment);
    if (textures.length > 0) e.setSamplerViews(PipeShaderType.Fragment, 0, [300]);
    e.bindSamplerStates(PipeShaderType.Fragment, 0, [41]).setConstantBuffer(PipeShaderType.Fragment, 0, [0, 0, 0, 0]);
    return e.finish();
  };
  const build = (r: Rutabaga) => {
    for (const { id, create, bytes } of resources) {
      r.resourceCreate3d(id, create);
      const backing = new Uint8Array(bytes).map((_, i) => (i * 13 + id) & 0xff);
      r.attachBacking(id, [backing]);
      r.contextAttachResource(1, id);
      if (create.format === Z24S8 || create.bind === scanoutBuffer(W, H).bind) continue;
      if (create.target === 0) r.transferWrite(1, id, transfer2d(0, 0, create.width, 1));
      else {
        let offset = 0;
        for (let level = 0; level <= create.lastLevel; level++) {
          const s = Math.max(1, create.width >> level);
          r.transferWrite(1, id, { ...transfer2d(0, 0, s, s, offset), level, stride: s * 4 });
          offset += s * s * 4;
        }
      }
    }
    r.submitCommand(1, setup());
  };
  const draw = (r: Rutabaga) => {
    const e = new VirglEncoder();
    for (let k = 0; k < shaders; k++) {
      e.bindShader(200 + 2 * k, PipeShaderType.Vertex)
        .bindShader(201 + 2 * k, PipeShaderType.Fragment)
        .drawVbo({ mode: 4, count: 36 });
    }
    r.submitCommand(1, e.bindShader(200, PipeShaderType.Vertex).bindShader(201, PipeShaderType.Fragment).finish());
  };
  return { resources, build, draw };
}

function wallMs(f: () => void): number {
  const start = performance.now();
  f();
  return performance.now() - start;
}

function cpuMs(f: () => void): number {
  const start = process.cpuUsage();
  f();
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** The library state at the end of the kmscube guest trace (the VM session recorded from the 3D e2e). */
async function kmscubeTraceState(): Promise<{
  bytes: Uint8Array;
  resourceBytes: number;
  replayCpuMs: number;
  snapshotCpuMs: number;
}> {
  const trace = new Uint8Array(
    gunzipSync(readFileSync(new URL("../../test/fixtures/virtio-gpu/kmscube-virgl.trace.gz", import.meta.url))),
  );
  const start = process.cpuUsage();
  const result = await replayTraceOnHost(trace, new FramebufferSink());
  const d = process.cpuUsage(start);
  const rb = result.device.rutabaga;
  const resourceBytes = rb.hostMemory.used;
  let bytes: Uint8Array = new Uint8Array(0);
  const snapshots: number[] = [];
  for (let i = 0; i < RUNS; i++) snapshots.push(cpuMs(() => (bytes = rb.snapshot())));
  result.device.destroy();
  return { bytes, resourceBytes, replayCpuMs: (d.user + d.system) / 1000, snapshotCpuMs: median(snapshots) };
}

console.log(`machine: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, Node ${process.version}, llvmpipe`);
console.log(
  "| session | resource bytes | snapshot bytes | over resources | snapshot CPU | restore CPU | restore wall | of it: uploads | contexts | rest | first draw after restore (compiles) | rebuild from scratch (baseline, CPU) | restore ÷ rebuild (CPU) |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const kind of ["kmscube", "glmark2"] as const) {
  const s = session(kind);
  const live = instance();
  live.rutabaga.createContext(1, 2, "bench");
  s.build(live.rutabaga);
  s.draw(live.rutabaga);
  const resourceBytes = s.resources.reduce((n, r) => n + r.bytes, 0);
  const snapshotMs: number[] = [];
  let bytes: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < RUNS; i++) snapshotMs.push(cpuMs(() => (bytes = live.rutabaga.snapshot())));
  const restoreMs: number[] = [];
  const restoreWallMs: number[] = [];
  const uploadMs: number[] = [];
  const contextMs: number[] = [];
  const firstDrawMs: number[] = [];
  const rebuildMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const target = instance();
    restoreMs.push(cpuMs(() => restoreWallMs.push(wallMs(() => target.rutabaga.restore(bytes)))));
    uploadMs.push(target.component.lastRestoreTimings!.resourcesMs);
    contextMs.push(target.component.lastRestoreTimings!.contextsMs);
    firstDrawMs.push(cpuMs(() => s.draw(target.rutabaga)));
    target.rutabaga.destroy();
    const scratch = instance();
    rebuildMs.push(
      cpuMs(() => {
        scratch.rutabaga.createContext(1, 2, "bench");
        s.build(scratch.rutabaga);
      }),
    );
    scratch.rutabaga.destroy();
  }
  const restore = median(restoreMs);
  const restoreWall = median(restoreWallMs);
  const uploads = median(uploadMs);
  const contexts = median(contextMs);
  const rebuild = median(rebuildMs);
  console.log(
    `| ${kind} | ${resourceBytes} | ${bytes.byteLength} | ${((bytes.byteLength - resourceBytes) / 1024).toFixed(1)} KiB | ${median(snapshotMs).toFixed(1)} ms | ${restore.toFixed(1)} ms | ${restoreWall.toFixed(1)} ms | ${uploads.toFixed(1)} ms | ${contexts.toFixed(1)} ms | ${(restoreWall - uploads - contexts).toFixed(1)} ms | ${median(firstDrawMs).toFixed(1)} ms | ${rebuild.toFixed(1)} ms | ${(restore / rebuild).toFixed(2)}× |`,
  );
  live.rutabaga.destroy();
}

// The recorded kmscube VM session: its baseline is replaying the whole trace (what rebuilding it takes).
{
  const t = await kmscubeTraceState();
  const restoreMs: number[] = [];
  const restoreWallMs: number[] = [];
  const uploadMs: number[] = [];
  const contextMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const target = instance();
    restoreMs.push(cpuMs(() => restoreWallMs.push(wallMs(() => target.rutabaga.restore(t.bytes)))));
    uploadMs.push(target.component.lastRestoreTimings!.resourcesMs);
    contextMs.push(target.component.lastRestoreTimings!.contextsMs);
    target.rutabaga.destroy();
  }
  const restore = median(restoreMs);
  const wall = median(restoreWallMs);
  const uploads = median(uploadMs);
  const contexts = median(contextMs);
  console.log(
    `| kmscube guest trace | ${t.resourceBytes} | ${t.bytes.byteLength} | ${((t.bytes.byteLength - t.resourceBytes) / 1024).toFixed(1)} KiB | ${t.snapshotCpuMs.toFixed(1)} ms | ${restore.toFixed(1)} ms | ${wall.toFixed(1)} ms | ${uploads.toFixed(1)} ms | ${contexts.toFixed(1)} ms | ${(wall - uploads - contexts).toFixed(1)} ms | | ${t.replayCpuMs.toFixed(1)} ms (the whole trace) | ${(restore / t.replayCpuMs).toFixed(2)}× |`,
  );
}
