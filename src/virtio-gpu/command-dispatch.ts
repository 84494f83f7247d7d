import { RutabagaBlobMem, RutabagaMapInfo, VirtioGpuFormat } from "../rutabaga/constants.ts";
import { isRutabagaError, RutabagaError, type RutabagaErrorCode } from "../rutabaga/error.ts";
import type { Rutabaga } from "../rutabaga/rutabaga.ts";
import type { RutabagaFence, Transfer3D } from "../rutabaga/types.ts";
import { DecodeFailure, decodeCommand } from "./codec.ts";
import type { CtrlHeader, GpuCommand, MemEntry } from "./commands.ts";
import type { DisplayModel } from "./display-model.ts";
import { buildEdid } from "./edid.ts";
import type { GuestMemory } from "./guest-memory.ts";
import { HOST_VISIBLE_ALIGNMENT, type HostVisibleRegion } from "./host-visible-region.ts";
import {
  CURSOR_SIZE,
  GpuCommandType,
  GpuFlags,
  GpuResponseType,
  type GpuResponseTypeValue,
  RESOURCE_UUID_BYTES,
} from "./protocol.ts";
import { encodeRequest } from "./request-encoder.ts";
import { ResponseEncoder } from "./responses.ts";
import type { GuestBacking, TraceCapture } from "./trace-capture.ts";

/** A command the device refuses, as a value: the response the guest gets and why (for the log). */
class CommandError {
  readonly response: GpuResponseTypeValue;
  readonly why: string;
  constructor(response: GpuResponseTypeValue, why: string) {
    this.response = response;
    this.why = why;
  }
}

/** The response for each library error a command can hit; any other is `ERR_UNSPEC`. */
const LIBRARY_ERROR_RESPONSES: Partial<Record<RutabagaErrorCode, GpuResponseTypeValue>> = {
  InvalidResourceId: GpuResponseType.ErrInvalidResourceId,
  InvalidContextId: GpuResponseType.ErrInvalidContextId,
  OutOfMemory: GpuResponseType.ErrOutOfMemory,
  CheckedRange: GpuResponseType.ErrInvalidParameter,
  CheckedArithmetic: GpuResponseType.ErrInvalidParameter,
  InvalidIovec: GpuResponseType.ErrInvalidParameter,
  Invalid2DInfo: GpuResponseType.ErrInvalidParameter,
  InvalidCommandSize: GpuResponseType.ErrInvalidParameter,
  InvalidCommandBuffer: GpuResponseType.ErrInvalidParameter,
  InvalidCapset: GpuResponseType.ErrInvalidParameter,
};

/** The response for an undecodable request: a short `SUBMIT_3D` is a bad parameter, anything else unspecified. */
function decodeFailureResponse(why: DecodeFailure, hdr: CtrlHeader | undefined): GpuResponseTypeValue {
  return hdr?.type === GpuCommandType.Submit3d && why === DecodeFailure.ShortRequest
    ? GpuResponseType.ErrInvalidParameter
    : GpuResponseType.ErrUnspec;
}

/** The device's share of a snapshot (see {@link CommandDispatcher.snapshotState}). */
export interface DeviceDispatchState {
  readonly backings: readonly { readonly resourceId: number; readonly entries: readonly MemEntry[] }[];
  /** Encoded SET_SCANOUT, SET_SCANOUT_BLOB and UPDATE_CURSOR requests. */
  readonly requests: readonly Uint8Array[];
}

/** What running one request produced: the response (in the encoder) and whether a fence now guards it. */
export interface ExecutedRequest {
  readonly responseLength: number;
  readonly hdr: CtrlHeader | undefined;
  readonly fenced: boolean;
}

/**
 * Command dispatch: decodes a request, runs it through the {@link Rutabaga} API and the display model, and encodes
 * the response. The library owns resources and checks them; the dispatcher keeps what is the device's (each
 * resource's backing as the guest gave it) and turns refusals (its own {@link CommandError}s, decode failures and
 * library errors) into `VIRTIO_GPU_RESP_ERR_*` here, at the edge.
 */
export class CommandDispatcher {
  readonly encoder = new ResponseEncoder();
  rutabaga: Rutabaga;
  readonly #display: DisplayModel;
  readonly #capture: TraceCapture | undefined;
  readonly #log: (message: string) => void;
  readonly #backings = new Map<number, GuestBacking>();
  /** Blobs placed in the host-visible region: where and how long. */
  readonly #mapped = new Map<number, { offset: bigint; length: bigint }>();
  readonly #hostVisible: HostVisibleRegion | undefined;
  /** The SET_SCANOUT or SET_SCANOUT_BLOB each enabled scanout shows its resource by (for snapshots). */
  readonly #scanoutCommands = new Map<number, GpuCommand>();
  /** The last UPDATE_CURSOR that showed a resource, at the cursor's latest position (for snapshots). */
  #cursorCommand: GpuCommand | undefined;
  #memory: GuestMemory | undefined;

  constructor(
    rutabaga: Rutabaga,
    display: DisplayModel,
    capture: TraceCapture | undefined,
    log: (message: string) => void,
    hostVisible?: HostVisibleRegion,
  ) {
    this.#hostVisible = hostVisible;
    this.rutabaga = rutabaga;
    this.#display = display;
    this.#capture = capture;
    this.#log = log;
  }

  /** Forgets every backing record (device reset). */
  reset(): void {
    this.#backings.clear();
    this.#scanoutCommands.clear();
    this.#cursorCommand = undefined;
    for (const [id, m] of this.#mapped) this.#hostVisible?.unmap(m.offset, id);
    this.#mapped.clear();
  }

  /**
   * What the device keeps beside the library, as a snapshot carries it: each resource's backing entries (guest
   * addresses), and the requests that show the scanouts and the cursor again. Throws `RutabagaError("Unsupported")`
   * while blobs are mapped into the host-visible region (their mappings belong to the VMM's memory map).
   */
  snapshotState(): DeviceDispatchState {
    if (this.#mapped.size > 0) {
      throw new RutabagaError("Unsupported", "blobs are mapped into the host-visible region");
    }
    const requests = [...this.#scanoutCommands.values()].map((c) => encodeRequest(c));
    if (this.#cursorCommand !== undefined) requests.push(encodeRequest(this.#cursorCommand));
    return {
      backings: [...this.#backings].map(([resourceId, b]) => ({ resourceId, entries: b.entries })),
      requests,
    };
  }

  /**
   * Attaches the saved backings again (views made from `memory`, checked as ATTACH_BACKING's are) and runs the saved
   * requests through the decoder and dispatch a guest's go through. Throws `SnapshotError` at the first refusal.
   */
  restoreState(state: DeviceDispatchState, memory: GuestMemory): void {
    this.#memory = memory;
    const fail = (why: string): never => {
      throw new RutabagaError("SnapshotError", why);
    };
    for (const { resourceId, entries } of state.backings) {
      const views = this.#views(entries);
      if (views instanceof CommandError) fail(`resource ${resourceId}'s backing: ${views.why}`);
      const made = views as Uint8Array[][];
      try {
        this.rutabaga.attachBacking(resourceId, made.flat());
      } catch (e) {
        fail(`resource ${resourceId}'s backing: ${e instanceof Error ? e.message : String(e)}`);
      }
      this.#backings.set(resourceId, { entries, views: made });
    }
    for (const bytes of state.requests) {
      const decoded = decodeCommand(
        bytes,
        new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        bytes.length,
      );
      if (
        !decoded.ok ||
        (decoded.command.type !== GpuCommandType.SetScanout &&
          decoded.command.type !== GpuCommandType.SetScanoutBlob &&
          decoded.command.type !== GpuCommandType.UpdateCursor)
      ) {
        throw new RutabagaError("SnapshotError", "a saved display request is not SET_SCANOUT(_BLOB) or UPDATE_CURSOR");
      }
      this.#run({ ...decoded.hdr, flags: 0 }, decoded.command);
      if (this.encoder.responseType !== GpuResponseType.OkNodata) {
        fail(
          `saved request 0x${decoded.hdr.type.toString(16)} was refused (0x${this.encoder.responseType.toString(16)})`,
        );
      }
    }
  }

  /**
   * Decodes the request in the first `length` bytes of `bytes` (read through `view`) and runs it; the response is in
   * `encoder`.
   */
  decodeAndRun(
    queueIndex: number,
    bytes: Uint8Array,
    view: DataView,
    length: number,
    memory: GuestMemory,
  ): ExecutedRequest {
    this.#memory = memory;
    const decoded = decodeCommand(bytes, view, length);
    if (!decoded.ok) {
      this.#log(`queue ${queueIndex}: undecodable request (${decoded.why})`);
      const response = decodeFailureResponse(decoded.why, decoded.hdr);
      return { responseLength: this.encoder.plain(response, decoded.hdr), hdr: decoded.hdr, fenced: false };
    }
    const { hdr, command } = decoded;
    this.#capture?.request(queueIndex, bytes.subarray(0, length), command, memory, this.#backings, this.rutabaga);
    const executed = this.#run(hdr, command);
    this.#capture?.executed();
    return executed;
  }

  /**
   * Runs a command an in-process driver holds already typed: no encoding and decoding in between (a trace capture,
   * when set, gets it encoded). Its fields are trusted to be in their wire ranges, as the host's own code sets them.
   */
  runTyped(queueIndex: number, hdr: CtrlHeader, command: GpuCommand, memory: GuestMemory): ExecutedRequest {
    this.#memory = memory;
    if (this.#capture !== undefined) {
      const bytes = encodeRequest(command, hdr);
      this.#capture.request(queueIndex, bytes, command, memory, this.#backings, this.rutabaga);
    }
    const executed = this.#run(hdr, command);
    this.#capture?.executed();
    return executed;
  }

  #run(hdr: CtrlHeader, command: GpuCommand): ExecutedRequest {
    let responseLength: number;
    try {
      this.rutabaga.forceCtx0();
      const result = this.#dispatch(hdr, command);
      responseLength = result instanceof CommandError ? this.#refused(hdr, result.response, result.why) : result;
    } catch (e) {
      responseLength = this.#failed(hdr, e);
    }
    let fenced = false;
    if ((hdr.flags & GpuFlags.Fence) !== 0) {
      const fence: RutabagaFence = { flags: hdr.flags, fenceId: hdr.fenceId, ctxId: hdr.ctxId, ringIdx: hdr.ringIdx };
      try {
        this.rutabaga.createFence(fence);
        fenced = true;
      } catch (e) {
        this.#log(`fence ${hdr.fenceId}: ${e instanceof Error ? e.message : String(e)}`);
        responseLength = this.encoder.plain(GpuResponseType.ErrUnspec, hdr);
      }
    }
    return { responseLength, hdr, fenced };
  }

  #refused(hdr: CtrlHeader, response: GpuResponseTypeValue, why: string): number {
    this.#log(`command 0x${hdr.type.toString(16)}: ${why}`);
    return this.encoder.plain(response, hdr);
  }

  /** A library error becomes its response; anything else is a bug of ours, and the guest still gets an answer. */
  #failed(hdr: CtrlHeader, e: unknown): number {
    if (e instanceof CommandError) return this.#refused(hdr, e.response, e.why);
    if (isRutabagaError(e))
      return this.#refused(hdr, LIBRARY_ERROR_RESPONSES[e.code] ?? GpuResponseType.ErrUnspec, e.message);
    const why = `internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    return this.#refused(hdr, GpuResponseType.ErrUnspec, why);
  }

  /** Views of guest memory for each entry, or the first entry outside it. */
  #views(entries: readonly MemEntry[]): Uint8Array[][] | CommandError {
    const memory = this.#memory;
    if (memory === undefined) return new CommandError(GpuResponseType.ErrUnspec, "no guest memory");
    const views: Uint8Array[][] = [];
    for (const e of entries) {
      const v = memory.translate(e.addr, e.length);
      if (v === undefined) {
        return new CommandError(
          GpuResponseType.ErrUnspec,
          `entry 0x${e.addr.toString(16)}+${e.length} is outside guest memory`,
        );
      }
      views.push(v);
    }
    return views;
  }

  /**
   * Guest memory views for a library call that wants them after its resource-id check (so a bad id answers before
   * bad memory); a translation failure is thrown out of the library call as the value it is.
   */
  #lazyViews(entries: readonly MemEntry[], into: { views?: Uint8Array[][] }): () => Uint8Array[] {
    return () => {
      const views = this.#views(entries);
      if (views instanceof CommandError) throw views;
      into.views = views;
      return views.flat();
    };
  }

  #scanoutId(id: number): CommandError | undefined {
    return this.#display.has(id)
      ? undefined
      : new CommandError(GpuResponseType.ErrInvalidScanoutId, `no scanout ${id}`);
  }

  /**
   * `RESOURCE_MAP_BLOB`: the blob's host memory goes to `offset` of the host-visible region (page aligned, inside it,
   * overlapping no other blob); the response carries its cache type. A refusal leaves nothing mapped.
   */
  #mapBlob(hdr: CtrlHeader, resourceId: number, offset: bigint): number | CommandError {
    const rb = this.rutabaga;
    const info = rb.resourceInfo(resourceId);
    const region = this.#hostVisible;
    if (region === undefined)
      return new CommandError(GpuResponseType.ErrUnspec, "no host-visible memory region to map blobs into");
    if (!info.blob || info.blobMem === RutabagaBlobMem.Guest) {
      return new CommandError(GpuResponseType.ErrInvalidParameter, `resource ${resourceId} is not a host blob`);
    }
    if (this.#mapped.has(resourceId))
      return new CommandError(GpuResponseType.ErrInvalidParameter, `resource ${resourceId} is mapped`);
    const length = (info.size + BigInt(HOST_VISIBLE_ALIGNMENT - 1)) & ~BigInt(HOST_VISIBLE_ALIGNMENT - 1);
    if (offset % BigInt(HOST_VISIBLE_ALIGNMENT) !== 0n || offset + length > region.size) {
      return new CommandError(
        GpuResponseType.ErrInvalidParameter,
        `blob of ${length} bytes at ${offset} does not fit the region`,
      );
    }
    for (const m of this.#mapped.values()) {
      if (offset < m.offset + m.length && m.offset < offset + length) {
        return new CommandError(GpuResponseType.ErrInvalidParameter, `blob at ${offset} overlaps one at ${m.offset}`);
      }
    }
    const mapInfo = rb.mapInfo(resourceId) & RutabagaMapInfo.CacheMask;
    const bytes = rb.map(resourceId);
    try {
      region.map(offset, bytes, resourceId);
    } catch (e) {
      rb.unmap(resourceId);
      throw e;
    }
    this.#mapped.set(resourceId, { offset, length });
    return this.encoder.mapInfo(hdr, mapInfo);
  }

  /** Takes a blob out of the region (if it is there); true when it was. */
  #unmapBlob(resourceId: number): boolean {
    const m = this.#mapped.get(resourceId);
    if (m === undefined) return false;
    this.#mapped.delete(resourceId);
    this.#hostVisible?.unmap(m.offset, resourceId);
    this.rutabaga.unmap(resourceId);
    return true;
  }

  #dispatch(hdr: CtrlHeader, c: GpuCommand): number | CommandError {
    const enc = this.encoder;
    const ok = () => enc.plain(GpuResponseType.OkNodata, hdr);
    const rb = this.rutabaga;
    const display = this.#display;
    switch (c.type) {
      case GpuCommandType.GetDisplayInfo:
        return enc.displayInfo(hdr, display.displayInfo());
      case GpuCommandType.GetEdid: {
        if (!display.has(c.scanoutId))
          return new CommandError(GpuResponseType.ErrInvalidParameter, `no scanout ${c.scanoutId}`);
        const { width, height } = display.config(c.scanoutId);
        return enc.edid(hdr, buildEdid({ width, height, serial: c.scanoutId }));
      }
      case GpuCommandType.ResourceCreate2d:
        if (c.resourceId === 0) return new CommandError(GpuResponseType.ErrInvalidResourceId, "resource id 0");
        rb.resourceCreate2d(c.resourceId, c.format, c.width, c.height);
        return ok();
      case GpuCommandType.ResourceCreate3d: {
        if (c.resourceId === 0) return new CommandError(GpuResponseType.ErrInvalidResourceId, "resource id 0");
        const { type: _t, resourceId, ...create } = c;
        rb.resourceCreate3d(resourceId, create);
        return ok();
      }
      case GpuCommandType.ResourceUnref:
        rb.resourceInfo(c.resourceId);
        this.#unmapBlob(c.resourceId);
        rb.unrefResource(c.resourceId);
        this.#backings.delete(c.resourceId);
        display.forgetResource(c.resourceId);
        for (const [id, shown] of this.#scanoutCommands) {
          if ("resourceId" in shown && shown.resourceId === c.resourceId) this.#scanoutCommands.delete(id);
        }
        if (this.#cursorCommand !== undefined && "resourceId" in this.#cursorCommand) {
          if (this.#cursorCommand.resourceId === c.resourceId) this.#cursorCommand = undefined;
        }
        return ok();
      case GpuCommandType.ResourceAttachBacking: {
        const made: { views?: Uint8Array[][] } = {};
        rb.attachBacking(c.resourceId, this.#lazyViews(c.entries, made));
        this.#backings.set(c.resourceId, { entries: c.entries, views: made.views! });
        return ok();
      }
      case GpuCommandType.ResourceDetachBacking:
        rb.detachBacking(c.resourceId);
        this.#backings.delete(c.resourceId);
        return ok();
      case GpuCommandType.SetScanout: {
        const bad = this.#scanoutId(c.scanoutId);
        if (bad !== undefined) return bad;
        if (c.resourceId === 0) {
          display.disable(c.scanoutId);
          this.#scanoutCommands.delete(c.scanoutId);
          return ok();
        }
        rb.setScanout(c.scanoutId, c.resourceId, undefined, { rect: { ...c.rect } });
        const format = rb.resourceInfo(c.resourceId).format ?? VirtioGpuFormat.B8G8R8X8Unorm;
        display.enable(rb, c.scanoutId, c.resourceId, c.rect, format, undefined);
        this.#scanoutCommands.set(c.scanoutId, c);
        return ok();
      }
      case GpuCommandType.SetScanoutBlob: {
        const bad = this.#scanoutId(c.scanoutId);
        if (bad !== undefined) return bad;
        if (c.resourceId === 0) {
          display.disable(c.scanoutId);
          this.#scanoutCommands.delete(c.scanoutId);
          return ok();
        }
        const info = {
          width: c.width,
          height: c.height,
          drmFourcc: 0,
          strides: c.strides,
          offsets: c.offsets,
          modifier: 0n,
        };
        rb.setScanout(c.scanoutId, c.resourceId, info, { rect: { ...c.rect }, format: c.format });
        const blob = rb.resourceInfo(c.resourceId).blob ? { offset: c.offsets[0] } : undefined;
        display.enable(rb, c.scanoutId, c.resourceId, c.rect, c.format, blob);
        this.#scanoutCommands.set(c.scanoutId, c);
        return ok();
      }
      case GpuCommandType.ResourceFlush:
        if (c.resourceId === 0) return ok();
        rb.flushResource(c.resourceId, c.rect);
        display.flushResource(rb, c.resourceId, c.rect);
        return ok();
      case GpuCommandType.TransferToHost2d:
        rb.transferToHost2d(c.resourceId, c.rect, c.offset);
        return ok();
      case GpuCommandType.TransferToHost3d:
      case GpuCommandType.TransferFromHost3d: {
        if (c.offset > BigInt(Number.MAX_SAFE_INTEGER)) {
          return new CommandError(GpuResponseType.ErrInvalidParameter, `transfer offset ${c.offset} is too large`);
        }
        const t: Transfer3D = {
          ...c.box,
          level: c.level,
          stride: c.stride,
          layerStride: c.layerStride,
          offset: Number(c.offset),
        };
        if (c.type === GpuCommandType.TransferToHost3d) rb.transferWrite(hdr.ctxId, c.resourceId, t);
        else rb.transferRead(hdr.ctxId, c.resourceId, t);
        return ok();
      }
      case GpuCommandType.GetCapsetInfo: {
        const info = rb.getCapsetInfo(c.capsetIndex);
        return enc.capsetInfo(hdr, info.capsetId, info.version, info.size);
      }
      case GpuCommandType.GetCapset: {
        let listed = false;
        for (let i = 0; i < rb.getNumCapsets(); i++) listed ||= rb.getCapsetInfo(i).capsetId === c.capsetId;
        if (!listed)
          return new CommandError(GpuResponseType.ErrInvalidParameter, `capset ${c.capsetId} is not offered`);
        const capset = rb.getCapset(c.capsetId, c.capsetVersion);
        this.#capture?.capsetRead(c.capsetId, c.capsetVersion, capset);
        return enc.capset(hdr, capset);
      }
      case GpuCommandType.ResourceAssignUuid: {
        rb.resourceInfo(c.resourceId);
        // The resource id, big-endian, in the UUID's last 4 bytes: unique per resource.
        const uuid = new Uint8Array(RESOURCE_UUID_BYTES);
        new DataView(uuid.buffer).setUint32(RESOURCE_UUID_BYTES - 4, c.resourceId, false);
        return enc.uuid(hdr, uuid);
      }
      case GpuCommandType.ResourceCreateBlob: {
        if (c.resourceId === 0) return new CommandError(GpuResponseType.ErrInvalidResourceId, "resource id 0");
        const guestBacked = c.blobMem !== RutabagaBlobMem.Host3D;
        const made: { views?: Uint8Array[][] } = {};
        const iovecs = guestBacked ? this.#lazyViews(c.entries, made) : undefined;
        const create = { blobMem: c.blobMem, blobFlags: c.blobFlags, blobId: c.blobId, size: c.size };
        rb.resourceCreateBlob(hdr.ctxId, c.resourceId, create, iovecs);
        if (made.views !== undefined) this.#backings.set(c.resourceId, { entries: c.entries, views: made.views });
        return ok();
      }
      case GpuCommandType.ResourceMapBlob:
        return this.#mapBlob(hdr, c.resourceId, c.offset);
      case GpuCommandType.ResourceUnmapBlob:
        rb.resourceInfo(c.resourceId);
        if (!this.#unmapBlob(c.resourceId)) {
          return new CommandError(GpuResponseType.ErrInvalidParameter, `resource ${c.resourceId} is not mapped`);
        }
        return ok();
      case GpuCommandType.CtxCreate:
        rb.createContext(hdr.ctxId, c.contextInit, c.debugName.replace(/\0+$/, "") || undefined);
        return ok();
      case GpuCommandType.CtxDestroy:
        rb.destroyContext(hdr.ctxId);
        return ok();
      case GpuCommandType.CtxAttachResource:
        rb.contextAttachResource(hdr.ctxId, c.resourceId);
        return ok();
      case GpuCommandType.CtxDetachResource:
        rb.contextDetachResource(hdr.ctxId, c.resourceId);
        return ok();
      case GpuCommandType.Submit3d:
        rb.submitCommand(hdr.ctxId, c.commands, []);
        return ok();
      case GpuCommandType.UpdateCursor: {
        const bad = this.#scanoutId(c.scanoutId);
        if (bad !== undefined) return bad;
        let fill: ((image: Uint8Array) => void) | undefined;
        if (c.resourceId !== 0) {
          const r = rb.resourceInfo(c.resourceId);
          if (r.blob) return new CommandError(GpuResponseType.ErrInvalidParameter, "cursor from a blob");
          if (r.width < CURSOR_SIZE || r.height < CURSOR_SIZE) {
            const why = `cursor resource ${r.width}x${r.height} is smaller than ${CURSOR_SIZE}x${CURSOR_SIZE}`;
            return new CommandError(GpuResponseType.ErrInvalidParameter, why);
          }
          const box = { x: 0, y: 0, z: 0, w: CURSOR_SIZE, h: CURSOR_SIZE, d: 1, level: 0, layerStride: 0, offset: 0 };
          fill = (image) => rb.transferRead(0, c.resourceId, { ...box, stride: CURSOR_SIZE * 4 }, image);
        }
        const { scanoutId, x, y, hotX, hotY, resourceId } = c;
        display.updateCursor({ scanoutId, x, y, hotX, hotY, resourceId }, fill);
        this.#cursorCommand = resourceId === 0 ? undefined : c;
        return ok();
      }
      case GpuCommandType.MoveCursor: {
        const bad = this.#scanoutId(c.scanoutId);
        if (bad !== undefined) return bad;
        display.moveCursor(c.scanoutId, c.x, c.y);
        if (this.#cursorCommand?.type === GpuCommandType.UpdateCursor) {
          this.#cursorCommand = { ...this.#cursorCommand, scanoutId: c.scanoutId, x: c.x, y: c.y };
        }
        return ok();
      }
    }
  }
}
