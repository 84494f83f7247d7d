import type { RutabagaContext } from "../../rutabaga/component.ts";
import { PipeTextureTarget, RutabagaComponentType } from "../../rutabaga/constants.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import type { RutabagaResource } from "../../rutabaga/resource.ts";
import type { ResourceCreateBlob, RutabagaFence, RutabagaFenceHandler, RutabagaHandle } from "../../rutabaga/types.ts";
import { drainGlErrors, type HostGl, type HostGlContext } from "./host-gl/host-gl.ts";
import { VIRGL_CMD_NAMES, VirglCmd, VirglObject, VirglTransferDirection } from "./protocol/commands.ts";
import { decodeCommand } from "./protocol/decoder.ts";
import { invalid, isVirglError, toRutabagaError, type VirglError, virglError } from "./protocol/errors.ts";
import { DwordReader, frameVirglStream, MAX_SUBMIT_BYTES } from "./protocol/stream.ts";
import type { VirglCommand, VirglCommandOf } from "./protocol/typed-commands.ts";
import { type BlitFramebuffers, executeBlit } from "./render/blit.ts";
import { executeClear } from "./render/clear.ts";
import { executeClearTexture, executeCopyRegion } from "./render/copy.ts";
import type { ResourceLookup } from "./render/lookup.ts";
import { isExecutedQuery, Queries } from "./render/queries.ts";
import { VirglRenderer } from "./render/renderer.ts";
import {
  levelExtent,
  type TransferMemory,
  transferFromHost,
  transferToHost,
  type VirglResource,
} from "./resources/resource.ts";
import { applySetter } from "./state/setters.ts";
import { VirglShader } from "./state/shader.ts";
import type { VirglStateObject } from "./state/sub-context.ts";
import { VirglSubContext } from "./state/sub-context.ts";

/** Most objects (of all kinds) one sub-context may hold. */
export const MAX_OBJECTS_PER_SUB_CTX = 65536;
/** Most sub-contexts per context. */
export const MAX_SUB_CTXS = 64;
/** Most bytes of TGSI text one shader object may accumulate. */
export const MAX_SHADER_TEXT_BYTES = 1 << 20;
/** Most bytes of stored object payloads (shaders, state objects) one context may hold across its sub-contexts. */
export const MAX_OBJECT_BYTES_PER_CTX = 64 << 20;

/** What a context needs from its component. */
export interface VirglContextHost {
  readonly gl: HostGl;
  readonly fenceHandler: RutabagaFenceHandler;
  /** The component's resource `resourceId`, if it exists. */
  resource(resourceId: number): VirglResource | undefined;
  /** Receives what a guest got wrong that the protocol cannot answer (a shader variant that fails to build). */
  warn(message: string): void;
}

type Result = VirglError | undefined;

/**
 * A virgl context: one GL context, sub-contexts with their object tables, the ids of the resources attached to it,
 * and the execution of its command stream. A submit is framed (every length checked) before anything runs; each
 * command is then decoded to a typed command and executed. Commands listed in the README as executed run on the
 * GL; every other command is decoded and counted in {@link unsupported}.
 */
export class VirglContext implements RutabagaContext {
  readonly componentType = RutabagaComponentType.VirglRenderer;
  readonly ctxId: number;
  readonly name: string;
  /** Commands seen but not executed yet, by name. */
  readonly unsupported = new Map<string, number>();
  readonly #host: VirglContextHost;
  readonly #glCtx: HostGlContext;
  readonly #attached = new Set<number>();
  readonly #subs = new Map<number, VirglSubContext>();
  readonly #reader = new DwordReader();
  readonly #blitFbs: BlitFramebuffers = { read: 0, draw: 0 };
  readonly #lookup: ResourceLookup = (id) => this.#resource(id);
  readonly #renderer: VirglRenderer;
  readonly #queries: Queries;
  #sub: VirglSubContext;
  #objectBytes = 0;
  readonly #onDestroy: () => void;
  #destroyed = false;

  /** `onDestroy` runs once when the context is torn down (the component forgets it). */
  constructor(host: VirglContextHost, ctxId: number, name: string, onDestroy: () => void = () => {}) {
    this.#host = host;
    this.#onDestroy = onDestroy;
    this.ctxId = ctxId;
    this.name = name;
    this.#glCtx = host.gl.createContext();
    this.#renderer = new VirglRenderer(host.gl, (m) => host.warn(`virgl context ${ctxId}: ${m}`));
    this.#queries = new Queries(host.gl);
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
    if (isVirglError(frames)) throw toRutabagaError(frames);
    const gl = this.#host.gl;
    gl.makeCurrent(this.#glCtx);
    this.#queries.servePending(this.#lookup, false);
    // The context stays current after the submit (transfers need no switch); the flush starts the GL on the
    // submit's work while the front end goes back to its socket.
    try {
      for (const f of frames) {
        const c = decodeCommand(r, f.header, f.cmd, f.object, f.length);
        if (isVirglError(c)) throw toRutabagaError(c);
        drainGlErrors(gl);
        const failed = this.#execute(c);
        if (failed !== undefined) throw toRutabagaError(failed);
      }
    } finally {
      gl.flush();
    }
  }

  attach(resource: RutabagaResource): void {
    this.#attached.add(resource.resourceId);
  }

  detach(resource: RutabagaResource): void {
    this.#attached.delete(resource.resourceId);
  }

  contextCreateFence(fence: RutabagaFence): RutabagaHandle | undefined {
    // Every command has been given to the GL by the time submitCmd returns; waiting query results are written
    // before the fence signals, so ring fences signal at once.
    this.serveQueryResults();
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
    this.#renderer.destroy();
    this.#queries.destroy();
    if (this.#blitFbs.read !== 0) gl.deleteFramebuffer(this.#blitFbs.read);
    if (this.#blitFbs.draw !== 0) gl.deleteFramebuffer(this.#blitFbs.draw);
    gl.makeCurrent(undefined);
    gl.destroyContext(this.#glCtx);
    this.#subs.clear();
    this.#attached.clear();
  }

  /**
   * Writes the results that waiting GET_QUERY_RESULTs (into `resourceId` only, when given) are owed, letting the GL
   * finish first: the guest is about to wait for a fence or read the buffer.
   */
  serveQueryResults(resourceId?: number): void {
    if (this.#destroyed || !this.#queries.hasPending(resourceId)) return;
    this.#host.gl.makeCurrent(this.#glCtx);
    this.#queries.servePending(this.#lookup, true);
  }

  /** Forgets a resource that was unreferenced while attached. */
  forgetResource(resourceId: number): void {
    this.#attached.delete(resourceId);
  }

  #resource(id: number): VirglResource | VirglError {
    const r = this.#attached.has(id) ? this.#host.resource(id) : undefined;
    return r ?? invalid(`resource ${id} is not attached to context ${this.ctxId}`);
  }

  #count(c: VirglCommand): void {
    const name =
      c.cmd === VirglCmd.CreateObject || c.cmd === VirglCmd.BindObject || c.cmd === VirglCmd.DestroyObject
        ? `${VIRGL_CMD_NAMES[c.cmd]}(${c.objectType})`
        : VIRGL_CMD_NAMES[c.cmd]!;
    this.unsupported.set(name, (this.unsupported.get(name) ?? 0) + 1);
  }

  #execute(c: VirglCommand): Result {
    const gl = this.#host.gl;
    switch (c.cmd) {
      case VirglCmd.Nop:
      case VirglCmd.EndTransfers:
        return undefined;
      case VirglCmd.CreateSubCtx:
        if (this.#subs.has(c.subCtxId)) return undefined;
        if (this.#subs.size >= MAX_SUB_CTXS) return invalid(`more than ${MAX_SUB_CTXS} sub-contexts`);
        this.#subs.set(c.subCtxId, new VirglSubContext());
        return undefined;
      case VirglCmd.SetSubCtx: {
        const s = this.#subs.get(c.subCtxId);
        if (s === undefined) return invalid(`no sub-context ${c.subCtxId}`);
        this.#sub = s;
        return undefined;
      }
      case VirglCmd.DestroySubCtx: {
        const s = this.#subs.get(c.subCtxId);
        if (c.subCtxId === 0 || s === undefined) return undefined;
        if (s.fbo !== 0) gl.deleteFramebuffer(s.fbo);
        this.#renderer.forgetSubContext(s);
        this.#objectBytes -= s.payloadBytes;
        this.#subs.delete(c.subCtxId);
        if (this.#sub === s) this.#sub = this.#subs.get(0)!;
        return undefined;
      }
      case VirglCmd.CreateObject:
        return this.#createObject(c);
      case VirglCmd.DestroyObject:
        if (c.objectType === VirglObject.Surface || c.objectType === VirglObject.MsaaSurface) {
          if (this.#sub.surfaces.delete(c.handle)) this.#sub.framebufferVersion++;
        } else if (this.#sub.objects.get(c.handle)?.type === c.objectType) {
          this.#dropObject(c.handle);
        }
        return undefined;
      case VirglCmd.SetFramebufferState:
        for (const h of [...c.colorSurfaces, c.zsSurface]) {
          if (h !== 0 && !this.#sub.surfaces.has(h)) return invalid(`no surface ${h}`);
        }
        this.#sub.colorSurfaces = c.colorSurfaces;
        this.#sub.zsSurface = c.zsSurface;
        this.#sub.framebufferVersion++;
        return undefined;
      case VirglCmd.SetFramebufferStateNoAttach:
        this.#sub.noAttach = { width: c.width, height: c.height, layers: c.layers, samples: c.samples };
        return undefined;
      case VirglCmd.Clear:
        this.#renderer.prepareForClear();
        return executeClear(gl, this.#sub, c, this.#lookup);
      case VirglCmd.DrawVbo:
        return this.#renderer.draw(this.#sub, c, this.#lookup);
      case VirglCmd.SetRenderCondition: {
        if (c.handle === 0) {
          this.#queries.renderCondition(undefined, false, 0);
          return undefined;
        }
        const q = this.#sub.objects.get(c.handle);
        if (q === undefined || q.state.kind !== "query") return invalid(`no query ${c.handle}`);
        this.#queries.renderCondition(q.state, c.condition, c.mode);
        return undefined;
      }
      case VirglCmd.BeginQuery:
      case VirglCmd.EndQuery:
      case VirglCmd.GetQueryResult: {
        const q = this.#sub.objects.get(c.handle);
        if (q === undefined || q.state.kind !== "query") return invalid(`no query ${c.handle}`);
        if (c.cmd === VirglCmd.BeginQuery) return this.#queries.begin(q.state);
        if (c.cmd === VirglCmd.EndQuery) return this.#queries.end(q.state);
        return this.#queries.result(q.state, this.#lookup);
      }
      case VirglCmd.ClearTexture:
        return executeClearTexture(gl, c, this.#lookup);
      case VirglCmd.ResourceCopyRegion:
        return executeCopyRegion(gl, c, this.#lookup);
      case VirglCmd.Blit:
        this.#renderer.prepareForClear();
        return executeBlit(gl, this.#blitFbs, c, this.#lookup);
      case VirglCmd.Transfer3D: {
        const res = this.#resource(c.resourceId);
        if (isVirglError(res)) return res;
        if (c.direction !== VirglTransferDirection.ToHost && c.direction !== VirglTransferDirection.FromHost) {
          return invalid(`transfer direction ${c.direction}`);
        }
        const mem = this.#backingOf(res);
        if (isVirglError(mem)) return mem;
        if (c.direction === VirglTransferDirection.ToHost) transferToHost(gl, res.state, mem, c.box);
        else transferFromHost(gl, res.state, mem, c.box);
        return undefined;
      }
      case VirglCmd.ResourceInlineWrite: {
        const res = this.#resource(c.resourceId);
        if (isVirglError(res)) return res;
        transferToHost(gl, res.state, { kind: "buffer", bytes: c.data }, c.box);
        return undefined;
      }
      case VirglCmd.CopyTransfer3D: {
        const dst = this.#resource(c.resourceId);
        if (isVirglError(dst)) return dst;
        const src = this.#resource(c.srcResourceId);
        if (isVirglError(src)) return src;
        if (src.state.target !== PipeTextureTarget.Buffer) return invalid("copy transfer source must be a buffer");
        const mem = this.#backingOf(src);
        if (isVirglError(mem)) return mem;
        transferToHost(gl, dst.state, mem, c.box);
        return undefined;
      }
      default: {
        const set = applySetter(this.#sub, c);
        if (set.handled) return set.error;
        this.#count(c);
        return undefined;
      }
    }
  }

  #backingOf(res: VirglResource): TransferMemory | VirglError {
    const backing = res.record.backing;
    if (backing === undefined) return virglError("iovec", `resource ${res.record.resourceId} has no backing`);
    return { kind: "iovecs", list: backing };
  }

  #createObject(c: VirglCommandOf<typeof VirglCmd.CreateObject>): Result {
    const sub = this.#sub;
    const { handle, desc } = c;
    switch (desc.kind) {
      case "surface": {
        const res = this.#resource(desc.resourceId);
        if (isVirglError(res)) return res;
        const s = res.state;
        const isBuffer = s.target === PipeTextureTarget.Buffer;
        const level = isBuffer ? 0 : desc.levelOrFirstElement;
        const firstLayer = isBuffer ? 0 : desc.layersOrLastElement & 0xffff;
        const lastLayer = isBuffer ? 0 : desc.layersOrLastElement >>> 16;
        if (!isBuffer) {
          const layers = levelExtent(s, Math.min(level, 31))[2];
          if (level >= s.levels || firstLayer > lastLayer || lastLayer >= layers) {
            return invalid(`surface level ${level} layers ${firstLayer}..${lastLayer}`);
          }
        }
        if (!sub.surfaces.has(handle) && sub.objectCount >= MAX_OBJECTS_PER_SUB_CTX) return invalid("too many objects");
        this.#dropObject(handle);
        sub.surfaces.set(handle, { resourceId: desc.resourceId, format: desc.format, level, firstLayer, lastLayer });
        sub.framebufferVersion++;
        return undefined;
      }
      case "shader-continuation": {
        const existing = sub.objects.get(handle);
        if (existing === undefined || !(existing.state instanceof VirglShader)) {
          return invalid(`continuation of unknown shader ${handle}`);
        }
        const shader = existing.state;
        if (shader.receivedBytes + desc.text.byteLength > MAX_SHADER_TEXT_BYTES) return invalid("shader text too long");
        const reserved = this.#reserveBytes(desc.text.byteLength);
        if (reserved !== undefined) return reserved;
        shader.append(desc.text);
        existing.bytes += desc.text.byteLength;
        return shader.complete ? shader.parse() : undefined;
      }
      default: {
        if (desc.kind === "shader" && desc.text.byteLength > MAX_SHADER_TEXT_BYTES)
          return invalid("shader text too long");
        if (desc.kind === "query" && !isExecutedQuery(desc.queryType)) {
          return invalid(`query type ${desc.queryType} (not advertised)`);
        }
        const state: VirglStateObject = desc.kind === "shader" ? new VirglShader(desc) : desc;
        if (state instanceof VirglShader && state.complete) {
          const refused = state.parse();
          if (refused !== undefined) return refused;
        }
        if (!sub.objects.has(handle) && sub.objectCount >= MAX_OBJECTS_PER_SUB_CTX) return invalid("too many objects");
        const replaced = sub.objects.get(handle)?.bytes ?? 0;
        if (c.bytes > replaced) {
          const reserved = this.#reserveBytes(c.bytes - replaced);
          if (reserved !== undefined) return reserved;
        } else {
          this.#objectBytes -= replaced - c.bytes;
        }
        if (sub.surfaces.delete(handle)) sub.framebufferVersion++;
        this.#forgetQuery(handle);
        sub.objects.set(handle, { type: c.objectType, state, bytes: c.bytes });
        return undefined;
      }
    }
  }

  #reserveBytes(n: number): Result {
    if (this.#objectBytes + n > MAX_OBJECT_BYTES_PER_CTX) {
      return invalid(`stored objects would exceed ${MAX_OBJECT_BYTES_PER_CTX} bytes`);
    }
    this.#objectBytes += n;
    return undefined;
  }

  #forgetQuery(handle: number): void {
    const o = this.#sub.objects.get(handle);
    if (o?.state.kind === "query") this.#queries.forget(o.state);
  }

  #dropObject(handle: number): void {
    const o = this.#sub.objects.get(handle);
    if (o === undefined) return;
    this.#forgetQuery(handle);
    this.#objectBytes -= o.bytes;
    this.#sub.objects.delete(handle);
  }
}
