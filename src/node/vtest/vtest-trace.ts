import { VirglEncoder } from "../../components/virgl/protocol/encoder.ts";
import { GUEST_PAGE_SIZE } from "../../rutabaga/constants.ts";
import type { ResourceCreate3D, Transfer3D } from "../../rutabaga/types.ts";
import type { GpuCommand } from "../../virtio-gpu/commands.ts";
import { MAX_REQUEST_BYTES } from "../../virtio-gpu/device.ts";
import { GpuCommandType, GpuFeature, GpuFlags } from "../../virtio-gpu/protocol.ts";
import { encodeRequest, type RequestHeader } from "../../virtio-gpu/request-encoder.ts";
import { TraceRecorder } from "../../virtio-gpu/trace.ts";
import { RequestRanges } from "../../virtio-gpu/trace-ranges.ts";

/** The scanout a vtest trace names (vtest has none; the replay needs one, and nothing is ever shown on it). */
const VTEST_TRACE_SCANOUT = { width: 1024, height: 768, connected: false };
/** Where the guest addresses standing for clients' shared memory start (any address works; replay makes pages). */
const FIRST_ADDRESS = 1n << 32n;
/** Most command bytes one traced SUBMIT_3D carries: a request stays within the device's `MAX_REQUEST_BYTES`. */
const MAX_SUBMIT_CHUNK = MAX_REQUEST_BYTES - 64;
/** Largest inline write one virgl command carries: a 16-bit dword count, less the box's 11 dwords. */
const MAX_INLINE_BYTES = (0xffff - 11) * 4;

/**
 * Writes one vtest client's session as a virtio-gpu trace (the format of `trace.ts`): each request becomes the
 * virtio-gpu requests it amounts to (RESOURCE_CREATE → RESOURCE_CREATE_3D, ATTACH_BACKING and CTX_ATTACH_RESOURCE;
 * TRANSFER_PUT2 → TRANSFER_TO_HOST_3D; TRANSFER_GET2 → TRANSFER_FROM_HOST_3D; SUBMIT_CMD → SUBMIT_3D, ...). Each
 * resource's shared memory stands at a guest address of its own; the bytes a transfer or a submit reads there are
 * memory records before the request (the library reports them, see `Rutabaga.observeBackingReads`).
 */
export class VtestTraceWriter {
  readonly #recorder = new TraceRecorder({ scanouts: [{ ...VTEST_TRACE_SCANOUT }] });
  /** Each resource's shared memory: where it stands, and the mapping. */
  readonly #backing = new Map<number, { addr: bigint; bytes: Uint8Array }>();
  #nextAddress = FIRST_ADDRESS;
  #ctxId = 1;
  /** Requests that have no virtio-gpu equivalent and were left out (see {@link untraced}). */
  #untraced = 0;
  /** What the next request read so far (memory records come while it runs, the request after). */
  readonly #ranges = new RequestRanges();

  constructor() {
    this.#recorder.deviceFeatures((1n << GpuFeature.Virgl) | (1n << GpuFeature.ContextInit));
  }

  /** Requests left out: inline TRANSFER_GET (no guest memory to land in), inline TRANSFER_PUT past one command. */
  get untraced(): number {
    return this.#untraced;
  }

  #request(command: GpuCommand, hdr: RequestHeader = {}): void {
    this.#recorder.request(0, encodeRequest(command, hdr));
    this.#ranges.clear();
  }

  /** The client's one context was made, of `capset`. */
  contextCreated(ctxId: number, capset: number, name: string): void {
    this.#ctxId = ctxId;
    const debugName = name.slice(0, 63);
    this.#request({ type: GpuCommandType.CtxCreate, contextInit: capset, debugName }, { ctxId });
  }

  /** The client was given a capset. */
  capset(capsetId: number, version: number, bytes: Uint8Array): void {
    this.#recorder.capset(capsetId, version, bytes);
  }

  /** A resource was made, with `shm` as its backing (when it has one). */
  resourceCreated(resourceId: number, create: ResourceCreate3D, shm: Uint8Array | undefined): void {
    const ctxId = this.#ctxId;
    this.#request({ type: GpuCommandType.ResourceCreate3d, resourceId, ...create }, { ctxId });
    if (shm !== undefined) {
      const addr = this.#place(resourceId, shm);
      this.#request({
        type: GpuCommandType.ResourceAttachBacking,
        resourceId,
        entries: [{ addr, length: shm.length }],
      });
    }
    this.#request({ type: GpuCommandType.CtxAttachResource, resourceId }, { ctxId });
  }

  /** A guest-memory blob was made on `shm` (a host blob has none; what the client writes through a mapping is lost). */
  blobCreated(
    resourceId: number,
    create: { blobMem: number; blobFlags: number; blobId: bigint; size: bigint },
    shm: Uint8Array | undefined,
  ): void {
    const entries = shm === undefined ? [] : [{ addr: this.#place(resourceId, shm), length: shm.length }];
    this.#request({ type: GpuCommandType.ResourceCreateBlob, resourceId, ...create, entries }, { ctxId: this.#ctxId });
  }

  /** A guest address for resource `resourceId`'s shared memory, a free page after it. */
  #place(resourceId: number, shm: Uint8Array): bigint {
    const addr = this.#nextAddress;
    this.#backing.set(resourceId, { addr, bytes: shm });
    const pages = BigInt(Math.ceil(shm.length / GUEST_PAGE_SIZE) + 1);
    this.#nextAddress += pages * BigInt(GUEST_PAGE_SIZE);
    return addr;
  }

  /**
   * The library is about to read `[offset, offset + length)` of resource `resourceId`'s shared memory: recorded as
   * it is now, before the request that reads it.
   */
  backingRead(resourceId: number, offset: number, length: number): void {
    const b = this.#backing.get(resourceId);
    if (b === undefined || offset + length > b.bytes.length) return;
    const start = b.addr + BigInt(offset);
    for (const [s, e] of this.#ranges.take(start, start + BigInt(length))) {
      this.#recorder.memory(s, b.bytes.subarray(Number(s - b.addr), Number(e - b.addr)));
    }
  }

  /** TRANSFER_PUT2 (from shared memory) or TRANSFER_GET2 (into it). */
  transfer(toHost: boolean, resourceId: number, t: Transfer3D): void {
    this.#request(
      {
        type: toHost ? GpuCommandType.TransferToHost3d : GpuCommandType.TransferFromHost3d,
        resourceId,
        box: { x: t.x, y: t.y, z: t.z, w: t.w, h: t.h, d: t.d },
        level: t.level,
        stride: t.stride,
        layerStride: t.layerStride,
        offset: BigInt(t.offset),
      },
      { ctxId: this.#ctxId },
    );
  }

  /** TRANSFER_PUT with the bytes inline: a RESOURCE_INLINE_WRITE in a SUBMIT_3D. */
  inlineWrite(resourceId: number, t: Transfer3D, data: Uint8Array): void {
    if (data.length > MAX_INLINE_BYTES) {
      this.#untraced++;
      return;
    }
    this.submit(new VirglEncoder().inlineWrite(resourceId, t, data).finish(), false);
  }

  /** TRANSFER_GET with the bytes inline: no guest memory to land in, left out. */
  inlineRead(): void {
    this.#untraced++;
  }

  /**
   * SUBMIT_CMD (fenced) or one batch of SUBMIT_CMD2. A stream longer than one virtio-gpu request may be (vtest takes
   * 16 MiB) goes as several SUBMIT_3Ds cut at command boundaries (the fence on the last): the context runs them
   * in the same order, with the same state.
   */
  submit(commands: Uint8Array, fenced: boolean): void {
    const words = new DataView(commands.buffer, commands.byteOffset, commands.byteLength);
    let start = 0;
    let at = 0;
    // The session has framed the stream already: each command's header holds its length in dwords (bits 16..31).
    while (at + 4 <= commands.length) {
      const size = ((words.getUint32(at, true) >>> 16) + 1) * 4;
      if (at + size - start > MAX_SUBMIT_CHUNK && at > start) {
        this.#submitChunk(commands.subarray(start, at), false);
        start = at;
      }
      at += size;
    }
    this.#submitChunk(commands.subarray(start), fenced);
  }

  #submitChunk(commands: Uint8Array, fenced: boolean): void {
    this.#request(
      { type: GpuCommandType.Submit3d, commands, numInFences: 0 },
      { ctxId: this.#ctxId, ...(fenced ? { flags: GpuFlags.Fence } : {}) },
    );
  }

  /** RESOURCE_UNREF: detached from the context, then released. */
  resourceReleased(resourceId: number): void {
    this.#request({ type: GpuCommandType.CtxDetachResource, resourceId }, { ctxId: this.#ctxId });
    this.#request({ type: GpuCommandType.ResourceUnref, resourceId });
    this.#backing.delete(resourceId);
  }

  /** The trace so far. */
  finish(): Uint8Array {
    return this.#recorder.finish();
  }
}
