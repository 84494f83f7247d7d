import { RutabagaCapset, RutabagaFenceFlags } from "../../rutabaga/constants.ts";
import { isRutabagaError } from "../../rutabaga/error.ts";
import type { Rutabaga } from "../../rutabaga/rutabaga.ts";
import type { ResourceCreate3D, RutabagaFenceHandler } from "../../rutabaga/types.ts";
import { closeFd } from "../os/fd.ts";
import { createMemfd } from "../os/memfd.ts";
import { MemoryMapping } from "../os/memory-mapping.ts";
import { decodeVtestRequest, encodeVtestCapsReply, encodeVtestReply, type VtestRequest } from "./codec.ts";
import {
  VtestCommand as C,
  CAPS2_REPLY_ID,
  DEFAULT_VTEST_LIMITS,
  VTEST_MAX_PROTOCOL_VERSION,
  type VtestLimits,
} from "./protocol.ts";
import { release, type ShmBacking, ShmPool } from "./shm-pool.ts";
import { VtestError } from "./vtest-error.ts";

/** Where a session's replies go: bytes, with descriptors riding on the first byte. */
export interface VtestTransport {
  send(bytes: Uint8Array, fds?: readonly number[]): void;
}

/** How a session is set up. */
export interface VtestSessionOptions {
  /**
   * Builds this client's library instance for its first context, whose capset is `capset` (VIRGL2 for every
   * client of protocol ≤ 2): a virgl component with capsets VIRGL and VIRGL2.
   */
  rutabaga: (fenceHandler: RutabagaFenceHandler, hostMemoryLimit: number, capset: number) => Rutabaga;
  limits?: Partial<VtestLimits>;
}

/** Caps versions the two requests ask for: `virgl_caps_v1` for GET_CAPS, `virgl_caps_v2` for GET_CAPS2. */
const VIRGL_CAPS_V1 = 1;
const VIRGL_CAPS_V2 = 2;
/** The one context each client renders in. */
export const VTEST_CONTEXT_ID = 1;
const CONTEXT_ID = VTEST_CONTEXT_ID;

function noResource(handle: number): VtestError {
  return new VtestError(`no resource ${handle}`);
}

/**
 * One vtest client: its own library instance and context, its resources (by the client's handles) and their
 * shared-memory backing. A thin protocol layer over the Rutabaga API: resources are `resourceCreate3d` +
 * `attachBacking` + `contextAttachResource`, transfers `transferWrite/Read`, submits `submitCommand` followed by a
 * fence that RESOURCE_BUSY_WAIT reports on. A failure is a {@link VtestError} value: the server drops the client.
 */
export class VtestSession {
  readonly #transport: VtestTransport;
  readonly #options: VtestSessionOptions;
  readonly limits: VtestLimits;
  #rutabaga: Rutabaga | undefined;
  #rendererCreated = false;
  #name: string | undefined;
  #version = 0;
  readonly #shm = new Map<number, ShmBacking>();
  readonly #shmPool = new ShmPool();
  readonly #resources = new Set<number>();
  #shmBytes = 0;
  #fenceSubmitted = 0n;
  #fenceCompleted = 0n;
  #closed = false;

  constructor(transport: VtestTransport, options: VtestSessionOptions) {
    this.#transport = transport;
    this.#options = options;
    this.limits = { ...DEFAULT_VTEST_LIMITS, ...options.limits };
  }

  /** The debug name CREATE_RENDERER gave (the client's process name). */
  get name(): string | undefined {
    return this.#name;
  }

  /** The negotiated protocol version. */
  get version(): number {
    return this.#version;
  }

  /** Shared-memory bytes this client holds. */
  get shmBytes(): number {
    return this.#shmBytes;
  }

  /** Resources this client holds. */
  get resourceCount(): number {
    return this.#resources.size;
  }

  /**
   * The client's library instance: built at the first request that passes validation and needs the host
   * (GET_CAPS, GET_CAPS2, a RESOURCE_CREATE within limits, a SUBMIT_CMD whose framing decodes), not at
   * CREATE_RENDERER, so a client that sends junk after it never starts the host GL.
   */
  get rutabaga(): Rutabaga | undefined {
    return this.#rutabaga;
  }

  #reply(id: number, values: readonly number[]): void {
    this.#transport.send(encodeVtestReply(id, values));
  }

  /**
   * Runs one message. What the client got wrong (a malformed or refused request, a library error) comes back as a
   * {@link VtestError} value: the server drops the client with its reason. Only a bug of ours throws.
   */
  handle(command: number, payload: Uint8Array): VtestError | undefined {
    if (this.#closed) return undefined;
    if (command !== C.CreateRenderer && !this.#rendererCreated)
      return new VtestError(`command ${command} before CREATE_RENDERER`);
    const request = decodeVtestRequest(command, payload);
    if (request instanceof VtestError) return request;
    try {
      return this.#execute(request);
    } catch (e) {
      if (isRutabagaError(e)) return new VtestError(`command ${command}: ${e.message}`);
      throw e;
    }
  }

  #execute(r: VtestRequest): VtestError | undefined {
    switch (r.command) {
      case C.CreateRenderer:
        if (this.#rendererCreated) return new VtestError("a second CREATE_RENDERER");
        this.#rendererCreated = true;
        this.#name = r.name;
        return undefined;
      case C.PingProtocolVersion:
        this.#reply(C.PingProtocolVersion, []);
        return undefined;
      case C.ProtocolVersion:
        this.#version = Math.min(r.version, VTEST_MAX_PROTOCOL_VERSION);
        this.#reply(C.ProtocolVersion, [this.#version]);
        return undefined;
      case C.GetCaps:
        this.#transport.send(
          encodeVtestCapsReply(C.GetCaps, this.#renderer().getCapset(RutabagaCapset.Virgl, VIRGL_CAPS_V1)),
        );
        return undefined;
      case C.GetCaps2:
        this.#transport.send(
          encodeVtestCapsReply(CAPS2_REPLY_ID, this.#renderer().getCapset(RutabagaCapset.Virgl2, VIRGL_CAPS_V2)),
        );
        return undefined;
      case C.ResourceCreate:
      case C.ResourceCreate2:
        return this.#createResource(r.handle, r.create, r.dataSize);
      case C.ResourceUnref:
        return this.#unref(r.handle);
      case C.TransferGet:
      case C.TransferPut: {
        if (!this.#resources.has(r.handle)) return noResource(r.handle);
        const rb = this.#renderer();
        if (r.dataSize > this.limits.maxMessageBytes) return new VtestError(`transfer of ${r.dataSize} bytes`);
        if (r.command === C.TransferPut) {
          rb.transferWrite(CONTEXT_ID, r.handle, r.transfer, r.data);
        } else {
          const out = new Uint8Array(r.dataSize);
          rb.transferRead(CONTEXT_ID, r.handle, r.transfer, out);
          this.#transport.send(out);
        }
        return undefined;
      }
      case C.TransferGet2:
      case C.TransferPut2:
        if (!this.#resources.has(r.handle)) return noResource(r.handle);
        if (!this.#shm.has(r.handle)) return new VtestError(`TRANSFER2 on resource ${r.handle} without shared memory`);
        if (r.command === C.TransferPut2) this.#renderer().transferWrite(CONTEXT_ID, r.handle, r.transfer);
        else this.#renderer().transferRead(CONTEXT_ID, r.handle, r.transfer);
        return undefined;
      case C.SubmitCmd: {
        const rb = this.#renderer();
        rb.submitCommand(CONTEXT_ID, r.commands, []);
        // The implicit fence after every submit (virglrenderer's vtest_submit_cmd); BUSY_WAIT reports on it.
        this.#fenceSubmitted++;
        rb.createFence({
          flags: RutabagaFenceFlags.Fence,
          fenceId: this.#fenceSubmitted,
          ctxId: CONTEXT_ID,
          ringIdx: 0,
        });
        return undefined;
      }
      case C.ResourceBusyWait: {
        // Fences complete when the GL work is done, and every GL call here finishes before it returns.
        const busy = this.#fenceCompleted < this.#fenceSubmitted ? 1 : 0;
        this.#reply(C.ResourceBusyWait, [busy]);
        return undefined;
      }
    }
  }

  /** The library instance, built with the client's one context on first need. */
  #renderer(): Rutabaga {
    if (this.#rutabaga !== undefined) return this.#rutabaga;
    const handler: RutabagaFenceHandler = (fence) => {
      if (fence.fenceId > this.#fenceCompleted) this.#fenceCompleted = fence.fenceId;
    };
    const capset = RutabagaCapset.Virgl2;
    const rutabaga = this.#options.rutabaga(handler, this.limits.hostMemoryLimit, capset);
    try {
      rutabaga.createContext(CONTEXT_ID, capset, this.#name || "vtest");
    } catch (e) {
      rutabaga.destroy();
      throw e;
    }
    this.#rutabaga = rutabaga;
    return rutabaga;
  }

  #createResource(handle: number, create: ResourceCreate3D, dataSize: number): VtestError | undefined {
    if (handle === 0 || this.#resources.has(handle)) return new VtestError(`resource handle ${handle} is in use or 0`);
    if (this.#resources.size >= this.limits.maxResources)
      return new VtestError(`more than ${this.limits.maxResources} resources`);
    if (this.#shmBytes + dataSize > this.limits.maxShmBytes)
      return new VtestError(`shared memory would pass ${this.limits.maxShmBytes} bytes`);
    const rb = this.#renderer();
    rb.resourceCreate3d(handle, create);
    let shm: ShmBacking | undefined;
    try {
      if (dataSize > 0) {
        shm = this.#shmPool.take(dataSize);
        if (shm === undefined) {
          const fd = createMemfd(`vtest-${handle}`, dataSize);
          try {
            shm = { fd, mapping: MemoryMapping.map(fd, dataSize) };
          } catch (e) {
            closeFd(fd);
            throw e;
          }
        }
        rb.attachBacking(handle, [shm.mapping.bytes]);
      }
      rb.contextAttachResource(CONTEXT_ID, handle);
    } catch (e) {
      if (shm !== undefined) release(shm);
      rb.unrefResource(handle);
      throw e;
    }
    this.#resources.add(handle);
    if (shm !== undefined) {
      this.#shm.set(handle, shm);
      this.#shmBytes += dataSize;
      // One in-band byte carries the descriptor (virglrenderer's vtest_send_fd).
      this.#transport.send(new Uint8Array(1), [shm.fd]);
    }
    return undefined;
  }

  #unref(handle: number): VtestError | undefined {
    if (!this.#resources.has(handle)) return noResource(handle);
    const rb = this.#rutabaga!;
    try {
      rb.contextDetachResource(CONTEXT_ID, handle);
    } catch {
      // Already detached: unref below still releases it.
    }
    rb.unrefResource(handle);
    this.#resources.delete(handle);
    const shm = this.#shm.get(handle);
    if (shm !== undefined) {
      this.#shmPool.give(shm);
      this.#shmBytes -= shm.mapping.length;
      this.#shm.delete(handle);
    }
    return undefined;
  }

  /** Releases the library instance, every mapping and descriptor. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // The library goes first: its resources hold views of the mappings.
    this.#rutabaga?.destroy();
    this.#rutabaga = undefined;
    for (const shm of this.#shm.values()) release(shm);
    this.#shm.clear();
    this.#shmPool.close();
    this.#resources.clear();
    this.#shmBytes = 0;
  }
}
