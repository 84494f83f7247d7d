import type { RutabagaContext } from "../../rutabaga/component.ts";
import { RutabagaComponentType } from "../../rutabaga/constants.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import type { RutabagaResource } from "../../rutabaga/resource.ts";
import type { ResourceCreateBlob, RutabagaFence, RutabagaFenceHandler, RutabagaHandle } from "../../rutabaga/types.ts";
import { GL } from "./gl-constants.ts";
import { drainGlErrors, type HostGl, type HostGlContext } from "./host-gl.ts";
import { VIRGL_CMD_NAMES, VirglCmd, VirglObject } from "./virgl-commands.ts";
import {
  levelExtent,
  PipeTarget,
  type TransferMemory,
  toGlBox,
  transferFromHost,
  transferToHost,
  type VirglBox,
  type VirglResourceState,
} from "./virgl-resource.ts";
import { DwordReader, frameVirglStream, MAX_SUBMIT_BYTES, type VirglCommandFrame } from "./virgl-stream.ts";

/** Most objects (of all kinds) one sub-context may hold. */
export const MAX_OBJECTS_PER_SUB_CTX = 65536;
/** Most sub-contexts per context. */
export const MAX_SUB_CTXS = 64;
/** Most bytes of TGSI text one shader object may accumulate. */
export const MAX_SHADER_TEXT_BYTES = 1 << 20;
/** Most bytes of stored object payloads (shaders, state objects) one context may hold across its sub-contexts. */
export const MAX_OBJECT_BYTES_PER_CTX = 64 << 20;

/** A surface object: a view of one resource level and layer range. */
export interface VirglSurface {
  readonly resourceId: number;
  readonly format: number;
  readonly level: number;
  readonly firstLayer: number;
  readonly lastLayer: number;
}

/** An object the component stores without executing (state objects, shaders). */
export interface VirglStoredObject {
  readonly type: number;
  /** The CREATE_OBJECT payload after the handle (for shaders: the header words then the TGSI text chunks). */
  payload: Uint8Array;
}

/** One sub-context: its own object namespace and framebuffer. */
export class VirglSubContext {
  readonly surfaces = new Map<number, VirglSurface>();
  readonly objects = new Map<number, VirglStoredObject>();
  colorSurfaces: number[] = [];
  zsSurface = 0;
  noAttach = { width: 0, height: 0, layers: 0, samples: 0 };
  /** The GL framebuffer of this sub-context (0 until first needed). */
  fbo = 0;

  get objectCount(): number {
    return this.surfaces.size + this.objects.size;
  }

  /** Bytes of stored payloads. */
  get payloadBytes(): number {
    let n = 0;
    for (const o of this.objects.values()) n += o.payload.byteLength;
    return n;
  }
}

const PIPE_CLEAR_DEPTH = 1;
const PIPE_CLEAR_STENCIL = 2;
const PIPE_CLEAR_COLOR0 = 4;
const PIPE_MASK_RGBA = 0xf;
const PIPE_MASK_Z = 0x10;
const PIPE_MASK_S = 0x20;
const VIRGL_TRANSFER_TO_HOST = 1;
const VIRGL_TRANSFER_FROM_HOST = 2;

function bad(message: string): never {
  throw new RutabagaError("InvalidCommandBuffer", message);
}

/** What a context needs from its component. */
export interface VirglContextHost {
  readonly gl: HostGl;
  readonly fenceHandler: RutabagaFenceHandler;
  stateOf(resource: RutabagaResource): VirglResourceState;
}

/**
 * A virgl context: one GL context, sub-contexts with their object tables, the resources attached to it, and the
 * decoder for its command stream. Commands listed in the README as executed run on the GL; every other command is
 * framed, length-checked and counted in {@link unsupported}.
 */
export class VirglContext implements RutabagaContext {
  readonly componentType = RutabagaComponentType.VirglRenderer;
  readonly ctxId: number;
  readonly name: string;
  /** Commands seen but not executed yet, by name. */
  readonly unsupported = new Map<string, number>();
  readonly #host: VirglContextHost;
  readonly #glCtx: HostGlContext;
  readonly #resources = new Map<number, RutabagaResource>();
  readonly #subs = new Map<number, VirglSubContext>();
  readonly #reader = new DwordReader();
  #sub: VirglSubContext;
  #objectBytes = 0;
  #blitRead = 0;
  #blitDraw = 0;
  readonly #onDestroy: () => void;
  #destroyed = false;

  /** `onDestroy` runs once when the context is torn down (the component forgets it). */
  constructor(host: VirglContextHost, ctxId: number, name: string, onDestroy: () => void = () => {}) {
    this.#host = host;
    this.#onDestroy = onDestroy;
    this.ctxId = ctxId;
    this.name = name;
    this.#glCtx = host.gl.createContext();
    this.#sub = new VirglSubContext();
    this.#subs.set(0, this.#sub);
  }

  /** The sub-context ids that exist (0 always does). */
  get subContextIds(): number[] {
    return [...this.#subs.keys()];
  }

  /** The current sub-context. */
  get currentSubContext(): VirglSubContext {
    return this.#sub;
  }

  submitCmd(commands: Uint8Array, fenceIds: readonly bigint[]): void {
    if (commands.byteLength % 4 !== 0) throw new RutabagaError("InvalidCommandSize", `${commands.byteLength} bytes`);
    if (commands.byteLength > MAX_SUBMIT_BYTES) {
      throw new RutabagaError("InvalidCommandSize", `${commands.byteLength} bytes exceed ${MAX_SUBMIT_BYTES}`);
    }
    if (fenceIds.length > 0) throw new RutabagaError("Unsupported", "fence ids on submit (stable virgl API)");
    const r = this.#reader;
    const frames = frameVirglStream(r, r.reset(commands));
    const gl = this.#host.gl;
    gl.makeCurrent(this.#glCtx);
    try {
      for (const f of frames) {
        drainGlErrors(gl);
        this.#execute(f);
      }
    } finally {
      gl.makeCurrent(undefined);
    }
  }

  attach(resource: RutabagaResource): void {
    this.#resources.set(resource.resourceId, resource);
  }

  detach(resource: RutabagaResource): void {
    this.#resources.delete(resource.resourceId);
  }

  contextCreateFence(fence: RutabagaFence): RutabagaHandle | undefined {
    // Every command has completed on the GL by the time submitCmd returns, so ring fences signal at once.
    this.#host.fenceHandler({ ...fence });
    return undefined;
  }

  contextCreateBlob(_id: number, _create: ResourceCreateBlob, _handle: RutabagaHandle | undefined): RutabagaResource {
    throw new RutabagaError("Unsupported", "virgl blob resources");
  }

  snapshot(): Uint8Array {
    throw new RutabagaError("Unsupported", "virgl context snapshot");
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#onDestroy();
    const gl = this.#host.gl;
    gl.makeCurrent(this.#glCtx);
    for (const s of this.#subs.values()) if (s.fbo !== 0) gl.deleteFramebuffer(s.fbo);
    if (this.#blitRead !== 0) gl.deleteFramebuffer(this.#blitRead);
    if (this.#blitDraw !== 0) gl.deleteFramebuffer(this.#blitDraw);
    gl.makeCurrent(undefined);
    gl.destroyContext(this.#glCtx);
    this.#subs.clear();
    this.#resources.clear();
  }

  /** Forgets a resource that was unreferenced while attached. */
  forgetResource(resourceId: number): void {
    this.#resources.delete(resourceId);
  }

  #resource(id: number): RutabagaResource {
    const r = this.#resources.get(id);
    if (r === undefined) bad(`resource ${id} is not attached to context ${this.ctxId}`);
    return r;
  }

  #count(cmd: number, object: number): void {
    const name =
      cmd === VirglCmd.CreateObject || cmd === VirglCmd.BindObject || cmd === VirglCmd.DestroyObject
        ? `${VIRGL_CMD_NAMES[cmd]}(${object})`
        : VIRGL_CMD_NAMES[cmd]!;
    this.unsupported.set(name, (this.unsupported.get(name) ?? 0) + 1);
  }

  #execute(f: VirglCommandFrame): void {
    const r = this.#reader;
    const p = f.start - 1; // payload dword k is r.u32(p + k), k from 1 as in virgl_protocol.h
    switch (f.cmd) {
      case VirglCmd.Nop:
      case VirglCmd.EndTransfers:
        return;
      case VirglCmd.CreateSubCtx: {
        const id = r.u32(p + 1);
        if (this.#subs.has(id)) return;
        if (this.#subs.size >= MAX_SUB_CTXS) bad(`more than ${MAX_SUB_CTXS} sub-contexts`);
        this.#subs.set(id, new VirglSubContext());
        return;
      }
      case VirglCmd.SetSubCtx: {
        const s = this.#subs.get(r.u32(p + 1));
        if (s === undefined) bad(`no sub-context ${r.u32(p + 1)}`);
        this.#sub = s;
        return;
      }
      case VirglCmd.DestroySubCtx: {
        const id = r.u32(p + 1);
        const s = this.#subs.get(id);
        if (id === 0 || s === undefined) return;
        if (s.fbo !== 0) this.#host.gl.deleteFramebuffer(s.fbo);
        this.#objectBytes -= s.payloadBytes;
        this.#subs.delete(id);
        if (this.#sub === s) this.#sub = this.#subs.get(0)!;
        return;
      }
      case VirglCmd.CreateObject:
        this.#createObject(f);
        return;
      case VirglCmd.DestroyObject: {
        const handle = r.u32(p + 1);
        if (f.object === VirglObject.Surface || f.object === VirglObject.MsaaSurface) this.#sub.surfaces.delete(handle);
        else if (this.#sub.objects.get(handle)?.type === f.object) this.#dropObject(handle);
        return;
      }
      case VirglCmd.SetFramebufferState: {
        const nr = r.u32(p + 1);
        if (nr > 8 || f.length !== nr + 2) bad(`framebuffer with ${nr} colour buffers in ${f.length} dwords`);
        const cbufs: number[] = [];
        for (let i = 0; i < nr; i++) cbufs.push(r.u32(p + 3 + i));
        const zs = r.u32(p + 2);
        for (const h of [...cbufs, zs]) if (h !== 0 && !this.#sub.surfaces.has(h)) bad(`no surface ${h}`);
        this.#sub.colorSurfaces = cbufs;
        this.#sub.zsSurface = zs;
        return;
      }
      case VirglCmd.SetFramebufferStateNoAttach: {
        const wh = r.u32(p + 1);
        const ls = r.u32(p + 2);
        this.#sub.noAttach = {
          width: wh & 0xffff,
          height: wh >>> 16,
          layers: ls & 0xffff,
          samples: (ls >>> 16) & 0xff,
        };
        return;
      }
      case VirglCmd.Clear:
        this.#clear(r.u32(p + 1), p + 2, r.f64(p + 6), r.u32(p + 8));
        return;
      case VirglCmd.ClearTexture:
        this.#clearTexture(p);
        return;
      case VirglCmd.ResourceCopyRegion:
        this.#copyRegion(p);
        return;
      case VirglCmd.Blit:
        this.#blit(p);
        return;
      case VirglCmd.Transfer3D: {
        const res = this.#resource(r.u32(p + 1));
        const box = this.#box(p);
        box.offset = r.u32(p + 12);
        const dir = r.u32(p + 13);
        if (dir !== VIRGL_TRANSFER_TO_HOST && dir !== VIRGL_TRANSFER_FROM_HOST) bad(`transfer direction ${dir}`);
        if (res.backing === undefined)
          throw new RutabagaError("InvalidIovec", `resource ${res.resourceId} has no backing`);
        const mem: TransferMemory = { kind: "iovecs", list: res.backing };
        const gl = this.#host.gl;
        if (dir === VIRGL_TRANSFER_TO_HOST) transferToHost(gl, this.#host.stateOf(res), mem, box);
        else transferFromHost(gl, this.#host.stateOf(res), mem, box);
        return;
      }
      case VirglCmd.ResourceInlineWrite: {
        const res = this.#resource(r.u32(p + 1));
        const data = r.bytes(p + 12, f.length - 11);
        transferToHost(this.#host.gl, this.#host.stateOf(res), { kind: "buffer", bytes: data }, this.#box(p));
        return;
      }
      case VirglCmd.CopyTransfer3D: {
        const dst = this.#resource(r.u32(p + 1));
        const src = this.#resource(r.u32(p + 12));
        const box = this.#box(p);
        box.offset = r.u32(p + 13);
        if (this.#host.stateOf(src).target !== PipeTarget.Buffer) bad("copy transfer source must be a buffer");
        if (src.backing === undefined)
          throw new RutabagaError("InvalidIovec", `resource ${src.resourceId} has no backing`);
        transferToHost(this.#host.gl, this.#host.stateOf(dst), { kind: "iovecs", list: src.backing }, box);
        return;
      }
      default:
        this.#validateParsedOnly(f);
        this.#count(f.cmd, f.object);
    }
  }

  /** Transfer box words 2..11 (`VIRGL_RESOURCE_IW_*`: level, usage, stride, layer stride, x, y, z, w, h, d). */
  #box(p: number): VirglBox {
    const r = this.#reader;
    return {
      level: r.u32(p + 2),
      stride: r.u32(p + 4),
      layerStride: r.u32(p + 5),
      x: r.u32(p + 6),
      y: r.u32(p + 7),
      z: r.u32(p + 8),
      w: r.u32(p + 9),
      h: r.u32(p + 10),
      d: r.u32(p + 11),
      offset: 0,
    };
  }

  #validateParsedOnly(f: VirglCommandFrame): void {
    const r = this.#reader;
    const p = f.start - 1;
    switch (f.cmd) {
      case VirglCmd.SetIndexBuffer:
        if (f.length === 2) bad("index buffer in 2 dwords");
        return;
      case VirglCmd.SetVertexBuffers:
        if (f.length % 3 !== 0 || f.length / 3 > 32) bad(`vertex buffers in ${f.length} dwords`);
        return;
      case VirglCmd.SetSamplerViews:
      case VirglCmd.BindSamplerStates:
        if (r.u32(p + 1) > 5 || f.length - 2 > 128) bad("sampler list out of range");
        return;
      case VirglCmd.SetConstantBuffer:
      case VirglCmd.SetShaderBuffers:
      case VirglCmd.SetShaderImages:
        if (r.u32(p + 1) > 5) bad(`shader stage ${r.u32(p + 1)}`);
        return;
      case VirglCmd.BindShader:
        if (r.u32(p + 2) > 5) bad(`shader stage ${r.u32(p + 2)}`);
        return;
      case VirglCmd.SetViewportState:
        if ((f.length - 1) % 6 !== 0 || (f.length - 1) / 6 > 16) bad(`viewports in ${f.length} dwords`);
        return;
      case VirglCmd.SetScissorState:
        if ((f.length - 1) % 2 !== 0 || (f.length - 1) / 2 > 16) bad(`scissors in ${f.length} dwords`);
        return;
      case VirglCmd.BindObject:
        if (f.object === VirglObject.Null || f.object >= VirglObject.Query) bad(`bind of object type ${f.object}`);
        return;
      default:
    }
  }

  #createObject(f: VirglCommandFrame): void {
    const r = this.#reader;
    const p = f.start - 1;
    const handle = r.u32(p + 1);
    const sub = this.#sub;
    if (f.object === VirglObject.Null || f.object > VirglObject.MsaaSurface) bad(`object type ${f.object}`);
    if (handle === 0) bad("object handle 0");
    if (f.object === VirglObject.Surface || f.object === VirglObject.MsaaSurface) {
      if (f.length !== (f.object === VirglObject.Surface ? 5 : 6)) bad(`surface in ${f.length} dwords`);
      const res = this.#resource(r.u32(p + 2));
      const s = this.#host.stateOf(res);
      const val0 = r.u32(p + 4);
      const val1 = r.u32(p + 5);
      const isBuffer = s.target === PipeTarget.Buffer;
      const level = isBuffer ? 0 : val0;
      const firstLayer = isBuffer ? 0 : val1 & 0xffff;
      const lastLayer = isBuffer ? 0 : val1 >>> 16;
      if (!isBuffer) {
        const layers = levelExtent(s, Math.min(level, 31))[2];
        if (level >= s.levels || firstLayer > lastLayer || lastLayer >= layers)
          bad(`surface level ${level} layers ${firstLayer}..${lastLayer}`);
      }
      if (!sub.surfaces.has(handle) && sub.objectCount >= MAX_OBJECTS_PER_SUB_CTX) bad("too many objects");
      this.#dropObject(handle);
      sub.surfaces.set(handle, { resourceId: res.resourceId, format: r.u32(p + 3), level, firstLayer, lastLayer });
      return;
    }
    const payload = r.bytes(p + 2, f.length - 1).slice();
    if (f.object === VirglObject.Shader) {
      if (f.length < 5) bad(`shader in ${f.length} dwords`);
      const offsetWord = r.u32(p + 3);
      const existing = sub.objects.get(handle);
      if ((offsetWord & 0x80000000) !== 0) {
        // A continuation chunk: append the text after its 3 header words (handle, type, offset).
        if (existing?.type !== VirglObject.Shader) bad(`continuation of unknown shader ${handle}`);
        const more = r.bytes(p + 4, f.length - 3);
        if (existing.payload.byteLength + more.byteLength > MAX_SHADER_TEXT_BYTES) bad("shader text too long");
        this.#reserveBytes(more.byteLength);
        const joined = new Uint8Array(existing.payload.byteLength + more.byteLength);
        joined.set(existing.payload);
        joined.set(more, existing.payload.byteLength);
        existing.payload = joined;
        return;
      }
    }
    if (!sub.objects.has(handle) && sub.objectCount >= MAX_OBJECTS_PER_SUB_CTX) bad("too many objects");
    const replaced = sub.objects.get(handle)?.payload.byteLength ?? 0;
    if (payload.byteLength > replaced) this.#reserveBytes(payload.byteLength - replaced);
    else this.#objectBytes -= replaced - payload.byteLength;
    sub.surfaces.delete(handle);
    sub.objects.set(handle, { type: f.object, payload });
    this.#count(VirglCmd.CreateObject, f.object);
  }

  #reserveBytes(n: number): void {
    if (this.#objectBytes + n > MAX_OBJECT_BYTES_PER_CTX)
      bad(`stored objects would exceed ${MAX_OBJECT_BYTES_PER_CTX} bytes`);
    this.#objectBytes += n;
  }

  #dropObject(handle: number): void {
    const o = this.#sub.objects.get(handle);
    if (o === undefined) return;
    this.#objectBytes -= o.payload.byteLength;
    this.#sub.objects.delete(handle);
  }

  #surfaceState(handle: number): { surface: VirglSurface; state: VirglResourceState } {
    const surface = this.#sub.surfaces.get(handle);
    if (surface === undefined) bad(`no surface ${handle}`);
    const res = this.#resources.get(surface.resourceId);
    if (res === undefined) bad(`surface ${handle} resource ${surface.resourceId} is gone`);
    const state = this.#host.stateOf(res);
    if (state.target === PipeTarget.Buffer || state.glName === 0) bad(`surface ${handle} is not a texture`);
    return { surface, state };
  }

  #attach(fb: number, attachment: number, surface: VirglSurface, state: VirglResourceState): void {
    const gl = this.#host.gl;
    const layered =
      state.target !== PipeTarget.Texture1D &&
      state.target !== PipeTarget.Texture2D &&
      state.target !== PipeTarget.TextureRect;
    if (layered && surface.firstLayer === surface.lastLayer) {
      gl.framebufferTextureLayer(fb, attachment, state.glName, surface.level, surface.firstLayer);
    } else {
      gl.framebufferTexture(fb, attachment, state.glName, surface.level);
    }
  }

  #clear(buffers: number, colorIndex: number, depth: number, stencil: number): void {
    const gl = this.#host.gl;
    const r = this.#reader;
    const sub = this.#sub;
    if (sub.zsSurface === 0 && sub.colorSurfaces.every((h) => h === 0)) return;
    if (sub.fbo === 0) sub.fbo = gl.createFramebuffer();
    const fb = sub.fbo;
    // Rebuild the attachments from the current framebuffer state each clear (surfaces may have been recreated).
    const drawBuffers = new Uint32Array(sub.colorSurfaces.length);
    for (let i = 0; i < 8; i++) gl.framebufferTexture(fb, GL.COLOR_ATTACHMENT0 + i, 0, 0);
    gl.framebufferTexture(fb, GL.DEPTH_STENCIL_ATTACHMENT, 0, 0);
    const kinds: string[] = [];
    sub.colorSurfaces.forEach((h, i) => {
      if (h === 0) {
        kinds.push("");
        return;
      }
      const { surface, state } = this.#surfaceState(h);
      this.#attach(fb, GL.COLOR_ATTACHMENT0 + i, surface, state);
      drawBuffers[i] = GL.COLOR_ATTACHMENT0 + i;
      kinds.push(state.format!.kind);
    });
    gl.framebufferDrawBuffers(fb, drawBuffers);
    let zsKind = "";
    if (sub.zsSurface !== 0) {
      const { surface, state } = this.#surfaceState(sub.zsSurface);
      zsKind = state.format!.kind;
      const att =
        zsKind === "depth"
          ? GL.DEPTH_ATTACHMENT
          : zsKind === "stencil"
            ? GL.STENCIL_ATTACHMENT
            : GL.DEPTH_STENCIL_ATTACHMENT;
      this.#attach(fb, att, surface, state);
    }
    const status = gl.checkFramebufferStatus(fb);
    if (status !== GL.FRAMEBUFFER_COMPLETE) {
      throw new RutabagaError("ComponentError", `framebuffer incomplete (0x${status.toString(16)})`);
    }
    const bytes = r.bytes(colorIndex, 4);
    const color = new Uint8Array(16);
    color.set(bytes);
    kinds.forEach((kind, i) => {
      if (kind === "" || (buffers & (PIPE_CLEAR_COLOR0 << i)) === 0) return;
      if (kind === "uint") gl.clearBufferuiv(fb, GL.COLOR, i, new Uint32Array(color.buffer));
      else if (kind === "sint") gl.clearBufferiv(fb, GL.COLOR, i, new Int32Array(color.buffer));
      else gl.clearBufferfv(fb, GL.COLOR, i, new Float32Array(color.buffer));
    });
    const wantDepth = (buffers & PIPE_CLEAR_DEPTH) !== 0 && (zsKind === "depth" || zsKind === "depthstencil");
    const wantStencil = (buffers & PIPE_CLEAR_STENCIL) !== 0 && (zsKind === "stencil" || zsKind === "depthstencil");
    if (wantDepth && wantStencil) gl.clearBufferfi(fb, depth, stencil & 0xff);
    else if (wantDepth) gl.clearBufferfv(fb, GL.DEPTH, 0, Float32Array.of(depth));
    else if (wantStencil) gl.clearBufferiv(fb, GL.STENCIL, 0, Int32Array.of(stencil & 0xff));
    const err = gl.getError();
    if (err !== GL.NO_ERROR) throw new RutabagaError("ComponentError", `GL error 0x${err.toString(16)} in clear`);
  }

  #clearTexture(p: number): void {
    const r = this.#reader;
    const state = this.#host.stateOf(this.#resource(r.u32(p + 1)));
    if (state.target === PipeTarget.Buffer || state.glName === 0) bad("clear_texture of a buffer");
    const f = state.format!;
    if (f.compressed) bad("clear_texture of a compressed format");
    const level = r.u32(p + 2);
    const [x, y, z, w, h, d] = [3, 4, 5, 6, 7, 8].map((k) => r.u32(p + k)) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (level >= state.levels) bad(`level ${level}`);
    const [lw, lh, ld] = levelExtent(state, level);
    if (x + w > lw || y + h > lh || z + d > ld) bad("clear_texture box outside the level");
    const data = r.bytes(p + 9, 4).slice(0, f.blockBytes);
    const gl = this.#host.gl;
    const g = toGlBox(state.target, x, y, z, w, h, d);
    gl.clearTexSubImage(state.glName, level, g[0], g[1], g[2], g[3], g[4], g[5], f.glFormat, f.glType, data);
    const err = gl.getError();
    if (err !== GL.NO_ERROR)
      throw new RutabagaError("ComponentError", `GL error 0x${err.toString(16)} in clear_texture`);
  }

  #copyRegion(p: number): void {
    const r = this.#reader;
    const dst = this.#host.stateOf(this.#resource(r.u32(p + 1)));
    const src = this.#host.stateOf(this.#resource(r.u32(p + 6)));
    const [dl, dx, dy, dz] = [2, 3, 4, 5].map((k) => r.u32(p + k)) as [number, number, number, number];
    const [sl, sx, sy, sz, w, h, d] = [7, 8, 9, 10, 11, 12, 13].map((k) => r.u32(p + k)) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const gl = this.#host.gl;
    if ((dst.target === PipeTarget.Buffer) !== (src.target === PipeTarget.Buffer))
      bad("copy between a buffer and a texture");
    if (dst.target === PipeTarget.Buffer) {
      if (sx + w > src.width || dx + w > dst.width) bad("buffer copy out of range");
      if (w === 0 || src.glName === 0 || dst.glName === 0) return;
      gl.copyBufferSubData(src.glName, dst.glName, sx, dx, w);
      return;
    }
    if (sl >= src.levels || dl >= dst.levels) bad("copy level out of range");
    const [sw, sh, sd] = levelExtent(src, sl);
    const [dw, dh, dd] = levelExtent(dst, dl);
    if (sx + w > sw || sy + h > sh || sz + d > sd || dx + w > dw || dy + h > dh || dz + d > dd)
      bad("copy box out of range");
    if (w === 0 || h === 0 || d === 0) return;
    const sg = toGlBox(src.target, sx, sy, sz, w, h, d);
    const dg = toGlBox(dst.target, dx, dy, dz, w, h, d);
    gl.copyImageSubData(
      src.glName,
      src.glTarget,
      sl,
      sg[0],
      sg[1],
      sg[2],
      dst.glName,
      dst.glTarget,
      dl,
      dg[0],
      dg[1],
      dg[2],
      sg[3],
      sg[4],
      sg[5],
    );
    const err = gl.getError();
    if (err !== GL.NO_ERROR) throw new RutabagaError("ComponentError", `GL error 0x${err.toString(16)} in copy region`);
  }

  #blit(p: number): void {
    const r = this.#reader;
    const s0 = r.u32(p + 1);
    const mask = s0 & 0xff;
    const filter = (s0 >>> 8) & 3;
    const scissor = (s0 >>> 10) & 1;
    const dst = this.#host.stateOf(this.#resource(r.u32(p + 4)));
    const src = this.#host.stateOf(this.#resource(r.u32(p + 13)));
    const i32 = (k: number) => r.u32(p + k) | 0;
    const [dl, dx, dy, dz, dw, dh, dd] = [r.u32(p + 5), i32(7), i32(8), i32(9), i32(10), i32(11), i32(12)];
    const [sl, sx, sy, sz, sw, sh, sd] = [r.u32(p + 14), i32(16), i32(17), i32(18), i32(19), i32(20), i32(21)];
    if (dst.target === PipeTarget.Buffer || src.target === PipeTarget.Buffer) bad("blit of a buffer");
    if (sl >= src.levels || dl >= dst.levels) bad("blit level out of range");
    const [, , srcLayers] = levelExtent(src, sl);
    const [, , dstLayers] = levelExtent(dst, dl);
    if (dd !== sd && !(dd === 1 && sd === 1)) bad("blit with different depths");
    if (dz < 0 || sz < 0 || dd < 0 || dz + dd > dstLayers || sz + sd > srcLayers) bad("blit layers out of range");
    let glMask = 0;
    if ((mask & PIPE_MASK_RGBA) !== 0) glMask |= GL.COLOR_BUFFER_BIT;
    if ((mask & PIPE_MASK_Z) !== 0) glMask |= GL.DEPTH_BUFFER_BIT;
    if ((mask & PIPE_MASK_S) !== 0) glMask |= GL.STENCIL_BUFFER_BIT;
    if (glMask === 0 || dd === 0 || dw === 0 || dh === 0 || sw === 0 || sh === 0) return;
    const gl = this.#host.gl;
    if (this.#blitRead === 0) this.#blitRead = gl.createFramebuffer();
    if (this.#blitDraw === 0) this.#blitDraw = gl.createFramebuffer();
    const attachmentOf = (s: VirglResourceState) => {
      const k = s.format!.kind;
      if (k === "depth") return GL.DEPTH_ATTACHMENT;
      if (k === "stencil") return GL.STENCIL_ATTACHMENT;
      if (k === "depthstencil") return GL.DEPTH_STENCIL_ATTACHMENT;
      return GL.COLOR_ATTACHMENT0;
    };
    const layered = (s: VirglResourceState) =>
      s.target !== PipeTarget.Texture1D && s.target !== PipeTarget.Texture2D && s.target !== PipeTarget.TextureRect;
    if (scissor) {
      const minxy = r.u32(p + 2);
      const maxxy = r.u32(p + 3);
      gl.enable(GL.SCISSOR_TEST);
      gl.scissor(minxy & 0xffff, minxy >>> 16, (maxxy & 0xffff) - (minxy & 0xffff), (maxxy >>> 16) - (minxy >>> 16));
    }
    try {
      for (let layer = 0; layer < Math.max(1, dd); layer++) {
        const ra = attachmentOf(src);
        const da = attachmentOf(dst);
        for (const [fb, s, a, l, z] of [
          [this.#blitRead, src, ra, sl, sz + layer],
          [this.#blitDraw, dst, da, dl, dz + layer],
        ] as const) {
          gl.framebufferTexture(fb, GL.COLOR_ATTACHMENT0, 0, 0);
          gl.framebufferTexture(fb, GL.DEPTH_STENCIL_ATTACHMENT, 0, 0);
          if (layered(s)) gl.framebufferTextureLayer(fb, a, s.glName, l, z);
          else gl.framebufferTexture(fb, a, s.glName, l);
          if (a === GL.COLOR_ATTACHMENT0) {
            gl.framebufferReadBuffer(fb, GL.COLOR_ATTACHMENT0);
            gl.framebufferDrawBuffers(fb, Uint32Array.of(GL.COLOR_ATTACHMENT0));
          }
        }
        gl.blitFramebuffer(
          this.#blitRead,
          this.#blitDraw,
          sx,
          sy,
          sx + sw,
          sy + sh,
          dx,
          dy,
          dx + dw,
          dy + dh,
          glMask,
          filter === 1 && glMask === GL.COLOR_BUFFER_BIT ? GL.LINEAR : GL.NEAREST,
        );
      }
    } finally {
      if (scissor) gl.disable(GL.SCISSOR_TEST);
    }
    const err = gl.getError();
    if (err !== GL.NO_ERROR) throw new RutabagaError("ComponentError", `GL error 0x${err.toString(16)} in blit`);
  }
}
