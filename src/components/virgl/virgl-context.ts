import type { RutabagaContext } from "../../rutabaga/component.ts";
import { RutabagaComponentType } from "../../rutabaga/constants.ts";
import { RutabagaError, type RutabagaErrorCode } from "../../rutabaga/error.ts";
import type { RutabagaResource } from "../../rutabaga/resource.ts";
import type {
  BackingReadObserver,
  ResourceCreateBlob,
  RutabagaFence,
  RutabagaFenceHandler,
  RutabagaHandle,
} from "../../rutabaga/types.ts";
import { VirglExecution } from "./execute/execution.ts";
import { UNSUPPORTED } from "./execute/executor.ts";
import { executorOf } from "./execute/executors.ts";
import type { HostGl, HostGlContext } from "./host-gl/host-gl.ts";
import { VIRGL_CMD_NAMES, VirglCmd } from "./protocol/commands.ts";
import { decodeCommand } from "./protocol/decoder.ts";
import { invalid, VirglRefusal, type VirglRefusalKind } from "./protocol/refusal.ts";
import { DwordReader, frameVirglStream, MAX_SUBMIT_BYTES } from "./protocol/stream.ts";
import type { VirglCommand } from "./protocol/typed-commands.ts";
import type { BufferWrites } from "./render/index-ranges.ts";
import type { VirglResource } from "./resources/resource.ts";
import {
  encodeContextSection,
  groupCommands,
  restoreQueryResults,
  type VirglContextSection,
} from "./snapshot/context-snapshot.ts";
import type { VirglSubContext } from "./state/sub-context.ts";

/** The Rutabaga API's error for each refusal kind (rutabaga_gfx variant names). */
const REFUSAL_CODES = {
  size: "InvalidCommandSize",
  invalid: "InvalidCommandBuffer",
  iovec: "InvalidIovec",
} as const satisfies Record<VirglRefusalKind, RutabagaErrorCode>;

/**
 * By command id: commands that never change any resource's contents (state setters, binds, object lifetimes; a
 * clear, since framebuffer surfaces are textures only). Every other command moves {@link BufferWrites} before it
 * runs; a draw moves it itself when it captures or writes shader memory.
 */
const KEEPS_BUFFERS: readonly boolean[] = (() => {
  const keeps: boolean[] = [];
  for (const cmd of [
    VirglCmd.Nop,
    VirglCmd.CreateObject,
    VirglCmd.BindObject,
    VirglCmd.DestroyObject,
    VirglCmd.SetViewportState,
    VirglCmd.SetFramebufferState,
    VirglCmd.SetVertexBuffers,
    VirglCmd.Clear,
    VirglCmd.DrawVbo,
    VirglCmd.SetSamplerViews,
    VirglCmd.SetIndexBuffer,
    VirglCmd.SetConstantBuffer,
    VirglCmd.SetStencilRef,
    VirglCmd.SetBlendColor,
    VirglCmd.SetScissorState,
    VirglCmd.BindSamplerStates,
    VirglCmd.SetPolygonStipple,
    VirglCmd.SetClipState,
    VirglCmd.SetSampleMask,
    VirglCmd.SetStreamoutTargets,
    VirglCmd.SetUniformBuffer,
    VirglCmd.SetSubCtx,
    VirglCmd.CreateSubCtx,
    VirglCmd.BindShader,
    VirglCmd.SetTessState,
    VirglCmd.SetMinSamples,
    VirglCmd.SetShaderBuffers,
    VirglCmd.SetShaderImages,
    VirglCmd.SetAtomicBuffers,
    VirglCmd.SetFramebufferStateNoAttach,
    VirglCmd.EndTransfers,
  ])
    keeps[cmd] = true;
  return keeps;
})();

/** A refusal as the error `submitCmd` throws: the one place a {@link VirglRefusal} becomes a {@link RutabagaError}. */
function toRutabagaError(r: VirglRefusal): RutabagaError {
  return new RutabagaError(REFUSAL_CODES[r.kind], r.message);
}

/** What a context needs from its component. */
export interface VirglContextHost {
  readonly gl: HostGl;
  /** Moves whenever buffer contents may have changed; shared by the component's contexts. */
  readonly bufferWrites: BufferWrites;
  readonly fenceHandler: RutabagaFenceHandler;
  /** The component's resource `resourceId`, if it exists. */
  resource(resourceId: number): VirglResource | undefined;
  /** Receives what a guest got wrong that the protocol cannot answer (a shader variant that fails to build). */
  warn(message: string): void;
  /** Told each range of guest backing a submit is about to read (trace capture). */
  readonly backingReads?: BackingReadObserver | undefined;
}

/**
 * A virgl context: one GL context, sub-contexts with their object tables, the ids of the resources attached to it,
 * and the execution of its command stream. A submit is framed (every length checked) before anything runs; each
 * command is then decoded to a typed command and run by its entry in the executor table (`execute/executors.ts`);
 * commands whose entry is `UNSUPPORTED` are decoded and counted in {@link unsupported}.
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
  readonly #reader = new DwordReader();
  readonly #execution: VirglExecution;
  readonly #onDestroy: () => void;
  /** Where the command being executed starts in the submit, and its dwords with the header. */
  #frameStart = 0;
  #frameWords = 0;
  #destroyed = false;

  /** `onDestroy` runs once when the context is torn down (the component forgets it). */
  constructor(host: VirglContextHost, ctxId: number, name: string, onDestroy: () => void = () => {}) {
    this.#host = host;
    this.#onDestroy = onDestroy;
    this.ctxId = ctxId;
    this.name = name;
    this.#glCtx = host.gl.createContext();
    this.#execution = new VirglExecution(
      host.gl,
      (id) => this.#resource(id),
      (m) => host.warn(`virgl context ${ctxId}: ${m}`),
      host.bufferWrites,
    );
    this.#execution.currentCommand = () => this.#reader.bytes(this.#frameStart, this.#frameWords).slice();
  }

  /** The sub-context ids that exist (0 always does). */
  get subContextIds(): number[] {
    return [...this.#execution.subs.keys()];
  }

  /** The current sub-context. */
  get currentSubContext(): VirglSubContext {
    return this.#execution.sub;
  }

  submitCmd(commands: Uint8Array, fenceIds: readonly bigint[]): void {
    if (commands.byteLength % 4 !== 0) throw new RutabagaError("InvalidCommandSize", `${commands.byteLength} bytes`);
    if (commands.byteLength > MAX_SUBMIT_BYTES) {
      throw new RutabagaError("InvalidCommandSize", `${commands.byteLength} bytes exceed ${MAX_SUBMIT_BYTES}`);
    }
    if (fenceIds.length > 0) throw new RutabagaError("Unsupported", "fence ids on submit (stable virgl API)");
    const r = this.#reader;
    const frames = frameVirglStream(r, r.reset(commands));
    if (frames instanceof VirglRefusal) throw toRutabagaError(frames);
    const gl = this.#host.gl;
    gl.makeCurrent(this.#glCtx);
    this.#execution.backingReads = this.#host.backingReads;
    this.#execution.queries.servePending(this.#execution.lookup, false);
    // The context stays current after the submit (transfers need no switch); the flush starts the GL on the
    // submit's work while the front end goes back to its socket.
    try {
      for (const f of frames) {
        const c = decodeCommand(r, f.header, f.cmd, f.object, f.length);
        if (c instanceof VirglRefusal) throw toRutabagaError(c);
        if (!KEEPS_BUFFERS[c.cmd]) this.#host.bufferWrites.bump();
        this.#frameStart = f.header;
        this.#frameWords = f.length + 1;
        const execute = executorOf(c.cmd);
        const outcome = typeof execute === "function" ? execute(this.#execution, c) : UNSUPPORTED;
        if (outcome === UNSUPPORTED) this.#count(c);
        else if (outcome !== undefined) throw toRutabagaError(outcome);
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

  /**
   * The context as a snapshot section (`snapshot/context-snapshot.ts`): waiting query results are served first, and a
   * query that is still running refuses the snapshot (`Unsupported`).
   */
  snapshot(): Uint8Array {
    const gl = this.#host.gl;
    gl.makeCurrent(this.#glCtx);
    this.#execution.queries.servePending(this.#execution.lookup, true);
    return encodeContextSection(this.name, this.#attached, this.#execution);
  }

  /**
   * Rebuilds the state a section describes in this new context: attaches its resources (each must exist), then runs
   * its commands through the same decoder and executors as a guest's submit. Throws `SnapshotError`.
   */
  restoreState(section: VirglContextSection): void {
    for (const id of section.attached) {
      if (this.#host.resource(id) === undefined) {
        throw new RutabagaError("SnapshotError", `context ${this.ctxId} is attached to absent resource ${id}`);
      }
      this.#attached.add(id);
    }
    try {
      for (const submit of groupCommands(section.commands, MAX_SUBMIT_BYTES)) this.submitCmd(submit, []);
      if (this.unsupported.size > 0) {
        throw new RutabagaError("SnapshotError", `unexecuted commands: ${[...this.unsupported.keys()].join(", ")}`);
      }
      restoreQueryResults(this.#execution, section.queryResults, this.ctxId);
    } catch (e) {
      if (e instanceof RutabagaError && e.code !== "SnapshotError") {
        throw new RutabagaError("SnapshotError", `context ${this.ctxId}'s state: ${e.message}`);
      }
      throw e;
    }
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#onDestroy();
    const gl = this.#host.gl;
    gl.makeCurrent(this.#glCtx);
    this.#execution.destroy();
    gl.makeCurrent(undefined);
    gl.destroyContext(this.#glCtx);
    this.#attached.clear();
  }

  /**
   * Writes the results that waiting GET_QUERY_RESULTs (into `resourceId` only, when given) are owed, letting the GL
   * finish first: the guest is about to wait for a fence or read the buffer.
   */
  serveQueryResults(resourceId?: number): void {
    if (this.#destroyed || !this.#execution.queries.hasPending(resourceId)) return;
    this.#host.gl.makeCurrent(this.#glCtx);
    this.#execution.queries.servePending(this.#execution.lookup, true);
  }

  /**
   * Before the host reads a resource back: shader buffer, image and counter writes of this context are made
   * visible (barrier and finish in this context, which stays current for the read).
   */
  settleShaderWrites(): void {
    if (this.#destroyed || !this.#execution.renderer.shaderWrites) return;
    this.#host.gl.makeCurrent(this.#glCtx);
    this.#execution.renderer.settleShaderWrites();
  }

  /** Forgets a resource that was unreferenced while attached. */
  forgetResource(resourceId: number): void {
    this.#attached.delete(resourceId);
  }

  #resource(id: number): VirglResource | VirglRefusal {
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
}
