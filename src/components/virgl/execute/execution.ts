import type { BackingReadObserver } from "../../../rutabaga/types.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import { invalid, type VirglRefusal } from "../protocol/refusal.ts";
import type { BlitFramebuffers } from "../render/blit.ts";
import type { BufferWrites } from "../render/index-ranges.ts";
import type { ResourceLookup } from "../render/lookup.ts";
import { Queries } from "../render/queries.ts";
import { VirglRenderer } from "../render/renderer.ts";
import { ReadbackScratch } from "../resources/readback-scratch.ts";
import { VirglSubContext } from "../state/sub-context.ts";

/** Most objects (of all kinds) one sub-context may hold. */
export const MAX_OBJECTS_PER_SUB_CTX = 65536;
/** Most bytes of stored object payloads (shaders, state objects) one context may hold across its sub-contexts. */
export const MAX_OBJECT_BYTES_PER_CTX = 64 << 20;

/**
 * What executors act on: one context's sub-contexts (and which is current), the renderer and queries on its GL
 * context, the resources attached to it, and the byte budget of its stored objects.
 */
export class VirglExecution {
  readonly gl: HostGl;
  readonly renderer: VirglRenderer;
  readonly queries: Queries;
  readonly blitFbs: BlitFramebuffers = { read: 0, draw: 0 };
  /** Where in-stream read-backs land before their rows reach guest memory. */
  readonly readbackScratch = new ReadbackScratch();
  /** Sub-contexts by id; 0 always exists. */
  readonly subs = new Map<number, VirglSubContext>();
  /** A resource attached to this context, or the refusal to return. */
  readonly lookup: ResourceLookup;
  /** Reports what a guest got wrong that the protocol cannot answer (prefixed with the context). */
  readonly warn: (message: string) => void;
  /** Told each range of guest backing an in-stream upload is about to read (trace capture); none by default. */
  backingReads: BackingReadObserver | undefined;
  /** The current sub-context. */
  sub: VirglSubContext;
  /** A copy of the command being executed, header included (what CREATE_OBJECT keeps for snapshots). */
  currentCommand: () => Uint8Array = () => new Uint8Array(0);
  #objectBytes = 0;

  constructor(gl: HostGl, lookup: ResourceLookup, warn: (message: string) => void, bufferWrites: BufferWrites) {
    this.gl = gl;
    this.lookup = lookup;
    this.warn = warn;
    this.renderer = new VirglRenderer(gl, warn, bufferWrites);
    this.queries = new Queries(gl, bufferWrites);
    this.sub = new VirglSubContext();
    this.subs.set(0, this.sub);
  }

  /** Charges `n` more bytes of stored payload, or refuses past {@link MAX_OBJECT_BYTES_PER_CTX}. */
  reserveBytes(n: number): VirglRefusal | undefined {
    if (this.#objectBytes + n > MAX_OBJECT_BYTES_PER_CTX) {
      return invalid(`stored objects would exceed ${MAX_OBJECT_BYTES_PER_CTX} bytes`);
    }
    this.#objectBytes += n;
    return undefined;
  }

  /** Returns `n` bytes of stored payload to the budget. */
  releaseBytes(n: number): void {
    this.#objectBytes -= n;
  }

  /** Forgets the GL query of the current sub-context's object `handle`, if it is a query. */
  forgetQuery(handle: number): void {
    const o = this.sub.objects.get(handle);
    if (o?.state.kind === "query") this.queries.forget(o.state);
  }

  /** Removes the current sub-context's object `handle` (not surfaces) and releases its bytes. */
  dropObject(handle: number): void {
    const o = this.sub.objects.get(handle);
    if (o === undefined) return;
    this.forgetQuery(handle);
    this.#objectBytes -= o.bytes;
    this.sub.objects.delete(handle);
  }

  /** Deletes every GL object this runtime made (its GL context must be current). */
  destroy(): void {
    const gl = this.gl;
    for (const s of this.subs.values()) if (s.fbo !== 0) gl.deleteFramebuffer(s.fbo);
    this.renderer.destroy();
    this.queries.destroy();
    if (this.blitFbs.read !== 0) gl.deleteFramebuffer(this.blitFbs.read);
    if (this.blitFbs.draw !== 0) gl.deleteFramebuffer(this.blitFbs.draw);
    this.subs.clear();
  }
}
