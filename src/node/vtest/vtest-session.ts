import { RutabagaCapset, RutabagaFenceFlags } from "../../rutabaga/constants.ts";
import { isRutabagaError } from "../../rutabaga/error.ts";
import type { Rutabaga } from "../../rutabaga/rutabaga.ts";
import type { RutabagaFenceHandler, Transfer3D } from "../../rutabaga/types.ts";
import { closeFd } from "../os/fd.ts";
import { createMemfd } from "../os/memfd.ts";
import { MemoryMapping } from "../os/memory-mapping.ts";
import {
  VtestCommand as C,
  CAPS2_REPLY_ID,
  DEFAULT_VTEST_LIMITS,
  VTEST_MAX_PROTOCOL_VERSION,
  type VtestLimits,
  VtestWords as W,
} from "./protocol.ts";
import { VtestError } from "./vtest-error.ts";

/** Where a session's replies go: bytes, with descriptors riding on the first byte. */
export interface VtestTransport {
  send(bytes: Uint8Array, fds?: readonly number[]): void;
}

/** How a session is set up. */
export interface VtestSessionOptions {
  /** Builds this client's library instance (a virgl component with capsets VIRGL and VIRGL2). */
  rutabaga: (fenceHandler: RutabagaFenceHandler, hostMemoryLimit: number) => Rutabaga;
  limits?: Partial<VtestLimits>;
}

interface ShmBacking {
  fd: number;
  mapping: MemoryMapping;
}

/** The one context each client renders in. */
export const VTEST_CONTEXT_ID = 1;
const CONTEXT_ID = VTEST_CONTEXT_ID;

function words(payload: Uint8Array, count: number, what: string): Uint32Array {
  if (payload.length < count * 4) throw new VtestError(`${what}: ${payload.length} bytes, ${count * 4} needed`);
  return new Uint32Array(payload.buffer.slice(payload.byteOffset, payload.byteOffset + count * 4));
}

/** A transfer whose box (x, y, z, w, h, d) starts at word `at`. */
function transferOf(
  w: Uint32Array,
  at: number,
  level: number,
  stride: number,
  layerStride: number,
  offset: number,
): Transfer3D {
  return {
    x: w[at]!,
    y: w[at + 1]!,
    z: w[at + 2]!,
    w: w[at + 3]!,
    h: w[at + 4]!,
    d: w[at + 5]!,
    level,
    stride,
    layerStride,
    offset,
  };
}

/**
 * One vtest client: its own library instance and context, its resources (by the client's handles) and their
 * shared-memory backing. A thin protocol layer over the Rutabaga API: resources are `resourceCreate3d` +
 * `attachBacking` + `contextAttachResource`, transfers `transferWrite/Read`, submits `submitCommand` followed by a
 * fence that RESOURCE_BUSY_WAIT reports on. Any failure is a {@link VtestError}: the server drops the client.
 */
export class VtestSession {
  readonly #transport: VtestTransport;
  readonly #options: VtestSessionOptions;
  readonly limits: VtestLimits;
  #rutabaga: Rutabaga | undefined;
  #name: string | undefined;
  #version = 0;
  readonly #shm = new Map<number, ShmBacking>();
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

  /** The client's library instance, once CREATE_RENDERER made it. */
  get rutabaga(): Rutabaga | undefined {
    return this.#rutabaga;
  }

  #renderer(): Rutabaga {
    return this.#rutabaga ?? this.#fail("a command before CREATE_RENDERER");
  }

  #fail(why: string): never {
    throw new VtestError(why);
  }

  #reply(id: number, values: readonly number[]): void {
    const out = new Uint32Array(2 + values.length);
    out[0] = values.length;
    out[1] = id;
    out.set(values, 2);
    this.#transport.send(new Uint8Array(out.buffer));
  }

  /** Runs one message; throws {@link VtestError} when the client must be dropped. */
  handle(command: number, payload: Uint8Array): void {
    if (this.#closed) return;
    try {
      this.#dispatch(command, payload);
    } catch (e) {
      if (e instanceof VtestError) throw e;
      if (isRutabagaError(e)) throw new VtestError(`command ${command}: ${e.message}`);
      throw e;
    }
  }

  #dispatch(command: number, payload: Uint8Array): void {
    if (command !== C.CreateRenderer && this.#rutabaga === undefined)
      this.#fail(`command ${command} before CREATE_RENDERER`);
    switch (command) {
      case C.CreateRenderer: {
        if (this.#rutabaga !== undefined) this.#fail("a second CREATE_RENDERER");
        const end = payload.indexOf(0);
        this.#name = new TextDecoder().decode(payload.subarray(0, end < 0 ? payload.length : end)).slice(0, 256);
        const handler: RutabagaFenceHandler = (fence) => {
          if (fence.fenceId > this.#fenceCompleted) this.#fenceCompleted = fence.fenceId;
        };
        const rutabaga = this.#options.rutabaga(handler, this.limits.hostMemoryLimit);
        try {
          rutabaga.createContext(CONTEXT_ID, RutabagaCapset.Virgl2, this.#name || "vtest");
        } catch (e) {
          rutabaga.destroy();
          throw e;
        }
        this.#rutabaga = rutabaga;
        return;
      }
      case C.PingProtocolVersion:
        this.#reply(C.PingProtocolVersion, []);
        return;
      case C.ProtocolVersion: {
        const [asked] = words(payload, W.ProtocolVersion, "PROTOCOL_VERSION");
        this.#version = Math.min(asked!, VTEST_MAX_PROTOCOL_VERSION);
        this.#reply(C.ProtocolVersion, [this.#version]);
        return;
      }
      case C.GetCaps:
      case C.GetCaps2: {
        const v2 = command === C.GetCaps2;
        const caps = this.#renderer().getCapset(v2 ? RutabagaCapset.Virgl2 : RutabagaCapset.Virgl, v2 ? 2 : 1);
        // The length word is the caps' byte count + 1 (virglrenderer's vtest_send_caps*), not words.
        const head = new Uint32Array([caps.length + 1, v2 ? CAPS2_REPLY_ID : C.GetCaps]);
        const out = new Uint8Array(8 + caps.length);
        out.set(new Uint8Array(head.buffer), 0);
        out.set(caps, 8);
        this.#transport.send(out);
        return;
      }
      case C.ResourceCreate:
      case C.ResourceCreate2: {
        const v2 = command === C.ResourceCreate2;
        const w = words(payload, v2 ? W.ResourceCreate2 : W.ResourceCreate, "RESOURCE_CREATE");
        const handle = w[0]!;
        if (handle === 0 || this.#resources.has(handle)) this.#fail(`resource handle ${handle} is in use or 0`);
        if (this.#resources.size >= this.limits.maxResources)
          this.#fail(`more than ${this.limits.maxResources} resources`);
        const dataSize = v2 ? w[10]! : 0;
        if (this.#shmBytes + dataSize > this.limits.maxShmBytes) {
          this.#fail(`shared memory would pass ${this.limits.maxShmBytes} bytes`);
        }
        const rb = this.#renderer();
        rb.resourceCreate3d(handle, {
          target: w[1]!,
          format: w[2]!,
          bind: w[3]!,
          width: w[4]!,
          height: w[5]!,
          depth: w[6]!,
          arraySize: w[7]!,
          lastLevel: w[8]!,
          nrSamples: w[9]!,
          flags: 0,
        });
        let shm: ShmBacking | undefined;
        try {
          if (dataSize > 0) {
            const fd = createMemfd(`vtest-${handle}`, dataSize);
            try {
              shm = { fd, mapping: MemoryMapping.map(fd, dataSize) };
            } catch (e) {
              closeFd(fd);
              throw e;
            }
            rb.attachBacking(handle, [shm.mapping.bytes]);
          }
          rb.contextAttachResource(CONTEXT_ID, handle);
        } catch (e) {
          if (shm !== undefined) {
            shm.mapping.unmap();
            closeFd(shm.fd);
          }
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
        return;
      }
      case C.ResourceUnref: {
        const [handle] = words(payload, W.ResourceUnref, "RESOURCE_UNREF");
        this.#unref(handle!);
        return;
      }
      case C.TransferGet:
      case C.TransferPut: {
        // handle, level, stride, layer_stride, box (x, y, z, w, h, d), data_size
        const w = words(payload, W.Transfer, "TRANSFER");
        const handle = w[0]!;
        const dataSize = w[10]!;
        this.#resource(handle);
        const t = transferOf(w, 4, w[1]!, w[2]!, w[3]!, 0);
        if (dataSize > this.limits.maxMessageBytes) this.#fail(`transfer of ${dataSize} bytes`);
        if (command === C.TransferPut) {
          const data = payload.subarray(W.Transfer * 4);
          if (data.length < dataSize) this.#fail(`TRANSFER_PUT announces ${dataSize} bytes, carries ${data.length}`);
          this.#renderer().transferWrite(CONTEXT_ID, handle, t, data.subarray(0, dataSize));
        } else {
          const out = new Uint8Array(dataSize);
          this.#renderer().transferRead(CONTEXT_ID, handle, t, out);
          this.#transport.send(out);
        }
        return;
      }
      case C.TransferGet2:
      case C.TransferPut2: {
        // handle, level, box (x, y, z, w, h, d), data_size (unused), offset
        const w = words(payload, W.Transfer2, "TRANSFER2");
        const handle = w[0]!;
        this.#resource(handle);
        if (!this.#shm.has(handle)) this.#fail(`TRANSFER2 on resource ${handle} without shared memory`);
        const t = transferOf(w, 2, w[1]!, 0, 0, w[9]!);
        if (command === C.TransferPut2) this.#renderer().transferWrite(CONTEXT_ID, handle, t);
        else this.#renderer().transferRead(CONTEXT_ID, handle, t);
        return;
      }
      case C.SubmitCmd: {
        const rb = this.#renderer();
        rb.submitCommand(CONTEXT_ID, payload, []);
        // The implicit fence after every submit (virglrenderer's vtest_submit_cmd); BUSY_WAIT reports on it.
        this.#fenceSubmitted++;
        rb.createFence({
          flags: RutabagaFenceFlags.Fence,
          fenceId: this.#fenceSubmitted,
          ctxId: CONTEXT_ID,
          ringIdx: 0,
        });
        return;
      }
      case C.ResourceBusyWait: {
        words(payload, W.BusyWait, "RESOURCE_BUSY_WAIT");
        // Fences complete when the GL work is done, and every GL call here finishes before it returns.
        const busy = this.#fenceCompleted < this.#fenceSubmitted ? 1 : 0;
        this.#reply(C.ResourceBusyWait, [busy]);
        return;
      }
      default:
        this.#fail(`unknown command ${command}`);
    }
  }

  #resource(handle: number): void {
    if (!this.#resources.has(handle)) this.#fail(`no resource ${handle}`);
  }

  #unref(handle: number): void {
    this.#resource(handle);
    const rb = this.#renderer();
    try {
      rb.contextDetachResource(CONTEXT_ID, handle);
    } catch {
      // Already detached: unref below still releases it.
    }
    rb.unrefResource(handle);
    this.#resources.delete(handle);
    const shm = this.#shm.get(handle);
    if (shm !== undefined) {
      shm.mapping.unmap();
      closeFd(shm.fd);
      this.#shmBytes -= shm.mapping.length;
      this.#shm.delete(handle);
    }
  }

  /** Releases the library instance, every mapping and descriptor. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // The library goes first: its resources hold views of the mappings.
    this.#rutabaga?.destroy();
    this.#rutabaga = undefined;
    for (const shm of this.#shm.values()) {
      shm.mapping.unmap();
      closeFd(shm.fd);
    }
    this.#shm.clear();
    this.#resources.clear();
    this.#shmBytes = 0;
  }
}
