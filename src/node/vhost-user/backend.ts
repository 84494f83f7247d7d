import { RutabagaBuilder } from "../../rutabaga/builder.ts";
import { RutabagaComponentType } from "../../rutabaga/constants.ts";
import type { Rutabaga } from "../../rutabaga/rutabaga.ts";
import type { RutabagaFenceHandler } from "../../rutabaga/types.ts";
import type { GpuRect } from "../../virtio-gpu/commands.ts";
import { type RequestRecorder, type ScanoutConfig, VirtioGpuDevice } from "../../virtio-gpu/device.ts";
import type { CursorState, DisplaySink, ScanoutFrame } from "../../virtio-gpu/display-sink.ts";
import { SplitVirtqueue, VirtqueueError } from "../../virtio-gpu/virtqueue.ts";
import { EventFd } from "../os/eventfd.ts";
import { closeFd } from "../os/fd.ts";
import { UnixSocket } from "../os/unix-socket.ts";
import { DisplayChannel, type QemuDisplayMode } from "./display-channel.ts";
import { type MemoryRegionDescriptor, MemoryTable } from "./memory-table.ts";
import { type FramedMessage, frameMessage, MessageReader, type ReaderEnd } from "./message-reader.ts";
import {
  VhostUserFlags as F,
  GPU_QUEUE_COUNT,
  MAX_MEM_SLOTS,
  MAX_VHOST_USER_PAYLOAD,
  MEMORY_REGION_SIZE,
  VhostUserPayloadSize as P,
  VhostUserRequest as Q,
  TransportFeature,
  VhostUserProtocolFeature,
  VRING_INDEX_MASK,
  VRING_NOFD_MASK,
} from "./protocol.ts";

/** How the backend is set up. */
export interface VhostUserGpuOptions {
  /** Display outputs; `undefined` takes QEMU's sizes from GET_DISPLAY_INFO (one 1280×800 until it answers). */
  scanouts?: readonly ScanoutConfig[];
  /** How many scanouts to serve when sizes come from QEMU (QEMU's `max_outputs`); default 1. */
  scanoutCount?: number;
  /** Host memory for resources, bytes (default 256 MiB). */
  hostMemoryLimit?: number;
  log?: (message: string) => void;
  /** Records every request for `rutabaga-ts replay`. */
  recorder?: RequestRecorder;
  /** Builds the library (default: 2D only, with `hostMemoryLimit`); `--virgl` passes one with the virgl component. */
  rutabaga?: (fenceHandler: RutabagaFenceHandler) => Rutabaga;
  /** The virtio-gpu features to offer instead of the device's default set. */
  features?: bigint;
}

interface Vring {
  num: number;
  base: number;
  addr: { desc: bigint; used: bigint; avail: bigint } | undefined;
  kick: EventFd | undefined;
  call: EventFd | undefined;
  err: EventFd | undefined;
  enabled: boolean;
  queue: SplitVirtqueue | undefined;
  kicks: number;
}

const bit = (b: bigint) => 1n << b;
const PROTOCOL_FEATURES =
  bit(VhostUserProtocolFeature.ReplyAck) |
  bit(VhostUserProtocolFeature.Config) |
  bit(VhostUserProtocolFeature.ConfigureMemSlots) |
  bit(VhostUserProtocolFeature.ResetDevice);
const TRANSPORT_FEATURES =
  bit(TransportFeature.NotifyOnEmpty) |
  bit(TransportFeature.IndirectDesc) |
  bit(TransportFeature.EventIdx) |
  bit(TransportFeature.ProtocolFeatures) |
  bit(TransportFeature.Version1);
/** How long the control queue waits for QEMU's display info after a config read. */
const DISPLAY_REFRESH_TIMEOUT_MS = 1000;
/** Largest GET_CONFIG/SET_CONFIG window (virtio config spaces are at most 256 bytes). */
const MAX_CONFIG_BYTES = 256;

/** A message the backend will not act on; `reply` is the REPLY_ACK status. */
class Refused extends Error {}

/**
 * One vhost-user-gpu connection: the front-end's messages (vhost-user.rst) drive guest memory, the two vrings and
 * the virtio-gpu device; the device's pictures go back to QEMU over the GPU_SET_SOCKET display channel. Never throws
 * out of the event loop: a malformed message is refused (logged, REPLY_ACK failure when asked); only a broken
 * framing or a foreign protocol version ends the connection.
 */
export class VhostUserGpuBackend {
  readonly device: VirtioGpuDevice;
  readonly #socket: UnixSocket;
  readonly #memory = new MemoryTable();
  readonly #vrings: Vring[] = Array.from({ length: GPU_QUEUE_COUNT }, () => ({
    num: 0,
    base: 0,
    addr: undefined,
    kick: undefined,
    call: undefined,
    err: undefined,
    enabled: false,
    queue: undefined,
    kicks: 0,
  }));
  readonly #options: VhostUserGpuOptions;
  #features = 0n;
  #protocolFeatures = 0n;
  #display: DisplayChannel | undefined;
  /** QEMU's display info being fetched: the control queue waits for it (see {@link #refreshDisplay}). */
  #displayRefresh: Promise<void> | undefined;
  #ended = false;
  readonly #onEnd: ((why: string) => void)[] = [];
  /** Messages handled, by request id (for logs and tests). */
  readonly handled = new Map<number, number>();

  constructor(socket: UnixSocket, options: VhostUserGpuOptions = {}) {
    this.#socket = socket;
    this.#options = options;
    const count = options.scanouts?.length ?? options.scanoutCount ?? 1;
    const scanouts = options.scanouts ?? Array.from({ length: count }, () => ({ width: 1280, height: 800 }));
    const forward: DisplaySink = {
      scanoutChanged: (id: number, mode: { width: number; height: number } | undefined) =>
        this.#display?.scanoutChanged(id, mode),
      flush: (id: number, rect: GpuRect, frame: ScanoutFrame) => this.#display?.flush(id, rect, frame),
      cursorChanged: (c: CursorState) => this.#display?.cursorChanged(c),
      cursorMoved: (id: number, x: number, y: number) => this.#display?.cursorMoved(id, x, y),
    };
    this.device = new VirtioGpuDevice({
      scanouts,
      sink: forward,
      log: (m) => this.#log(m),
      recorder: options.recorder,
      features: options.features,
      rutabaga:
        options.rutabaga ??
        ((handler) => {
          const b = new RutabagaBuilder(0n, handler).setDefaultComponent(RutabagaComponentType.Rutabaga2D);
          if (options.hostMemoryLimit !== undefined) b.setHostMemoryLimit(options.hostMemoryLimit);
          return b.build();
        }),
      onQueueNotify: (q) => this.#vrings[q]?.call?.signal(),
    });
    new MessageReader(
      socket,
      MAX_VHOST_USER_PAYLOAD,
      (m) => this.#handle(m),
      (why) => this.#end(describeEnd(why)),
    );
    socket.onClose(() => this.#end("socket closed"));
  }

  /** Calls `cb` once when the connection ends (front-end gone, or a fatal protocol error); resources are released. */
  onEnd(cb: (why: string) => void): void {
    if (this.#ended) queueMicrotask(() => cb("already ended"));
    else this.#onEnd.push(cb);
  }

  /** Ends the connection as if the front-end had gone (SIGTERM); `onEnd` callbacks run. */
  close(why = "closed by the host"): void {
    this.#end(why);
  }

  /** Kicks served per queue. */
  get kicks(): number[] {
    return this.#vrings.map((v) => v.kicks);
  }

  #log(message: string): void {
    this.#options.log?.(message);
  }

  #end(why: string): void {
    if (this.#ended) return;
    this.#ended = true;
    for (let i = 0; i < this.#vrings.length; i++) this.#stopRing(i, true);
    this.#display?.close();
    // The connection is over: every resource, context and host GL object goes now, not at the next connection.
    this.device.destroy();
    this.#memory.close();
    this.#socket.close();
    for (const cb of this.#onEnd.splice(0)) cb(why);
  }

  #reply(m: FramedMessage, payload: Uint8Array): void {
    this.#socket.send(frameMessage(m.request, F.Version | F.Reply, payload));
  }

  #u64(value: bigint): Uint8Array {
    const p = new Uint8Array(8);
    new DataView(p.buffer).setBigUint64(0, value, true);
    return p;
  }

  #handle(m: FramedMessage): void {
    if ((m.flags & F.VersionMask) !== F.Version) {
      for (const fd of m.fds) closeFd(fd);
      this.#log(`request ${m.request}: protocol version ${m.flags & F.VersionMask}, not 1; closing`);
      this.#end("foreign protocol version");
      return;
    }
    this.handled.set(m.request, (this.handled.get(m.request) ?? 0) + 1);
    const needsAck =
      (m.flags & F.NeedReply) !== 0 && (this.#protocolFeatures & bit(VhostUserProtocolFeature.ReplyAck)) !== 0n;
    let fds = m.fds;
    const takeFd = (): number | undefined => {
      const [fd, ...rest] = fds;
      fds = rest;
      return fd;
    };
    let ok = true;
    let replied = false;
    try {
      replied = this.#dispatch(m, takeFd);
    } catch (e) {
      ok = false;
      this.#log(`request ${m.request}: refused: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      for (const fd of fds) closeFd(fd);
    }
    if (needsAck && !replied) this.#reply(m, this.#u64(ok ? 0n : 1n));
  }

  /** Executes one message; returns true when it already sent its own reply. */
  #dispatch(m: FramedMessage, takeFd: () => number | undefined): boolean {
    const p = m.payload;
    const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
    const need = (n: number) => {
      if (p.length < n) throw new Refused(`payload of ${p.length} bytes, ${n} needed`);
    };
    const ring = (index: number): Vring => this.#vrings[index] ?? refuse(`no vring ${index}`);
    switch (m.request) {
      case Q.GetFeatures:
        this.#reply(m, this.#u64(TRANSPORT_FEATURES | this.device.deviceFeatures()));
        return true;
      case Q.SetFeatures:
        need(P.U64);
        this.#features = v.getBigUint64(0, true);
        this.device.setDriverFeatures(this.#features);
        return false;
      case Q.GetProtocolFeatures:
        this.#reply(m, this.#u64(PROTOCOL_FEATURES));
        return true;
      case Q.SetProtocolFeatures:
        need(P.U64);
        this.#protocolFeatures = v.getBigUint64(0, true) & PROTOCOL_FEATURES;
        return false;
      case Q.SetOwner:
        return false;
      case Q.ResetOwner:
      case Q.ResetDevice:
        for (let i = 0; i < this.#vrings.length; i++) this.#stopRing(i, true);
        this.device.reset();
        return false;
      case Q.GetQueueNum:
        this.#reply(m, this.#u64(BigInt(GPU_QUEUE_COUNT)));
        return true;
      case Q.GetMaxMemSlots:
        this.#reply(m, this.#u64(BigInt(MAX_MEM_SLOTS)));
        return true;
      case Q.SetMemTable: {
        need(P.MemTableHeader);
        const n = v.getUint32(0, true);
        if (n > 8 || n === 0) throw new Refused(`${n} regions`);
        need(P.MemTableHeader + n * MEMORY_REGION_SIZE);
        const fds: number[] = [];
        for (let i = 0; i < n; i++) fds.push(takeFd() ?? refuse(`region ${i} came without a descriptor`));
        const regions = Array.from({ length: n }, (_, i) => region(v, P.MemTableHeader + i * MEMORY_REGION_SIZE));
        this.#memory.replace(regions, fds);
        this.#remapRings();
        return false;
      }
      case Q.AddMemReg: {
        need(P.SingleMemRegion);
        const fd = takeFd() ?? refuse("ADD_MEM_REG without a descriptor");
        this.#memory.add(region(v, 8), fd);
        this.#remapRings();
        return false;
      }
      case Q.RemMemReg: {
        need(P.SingleMemRegion);
        if (!this.#memory.remove(region(v, 8))) throw new Refused("no such region");
        this.#remapRings();
        return false;
      }
      case Q.SetVringNum: {
        need(P.VringState);
        const r = ring(v.getUint32(0, true));
        const num = v.getUint32(4, true);
        if (num === 0 || num > 32768 || (num & (num - 1)) !== 0) throw new Refused(`vring size ${num}`);
        r.num = num;
        return false;
      }
      case Q.SetVringBase: {
        need(P.VringState);
        ring(v.getUint32(0, true)).base = v.getUint32(4, true) & 0xffff;
        return false;
      }
      case Q.SetVringAddr: {
        need(P.VringAddr);
        const r = ring(v.getUint32(0, true));
        r.addr = { desc: v.getBigUint64(8, true), used: v.getBigUint64(16, true), avail: v.getBigUint64(24, true) };
        return false;
      }
      case Q.GetVringBase: {
        need(P.VringState);
        const index = v.getUint32(0, true);
        const r = ring(index);
        const base = r.queue?.lastAvailIdx ?? r.base;
        this.#stopRing(index, false);
        r.base = base;
        const reply = new Uint8Array(8);
        const rv = new DataView(reply.buffer);
        rv.setUint32(0, index, true);
        rv.setUint32(4, base, true);
        this.#reply(m, reply);
        return true;
      }
      case Q.SetVringKick:
      case Q.SetVringCall:
      case Q.SetVringErr: {
        need(P.U64);
        const word = v.getBigUint64(0, true);
        const index = Number(word & VRING_INDEX_MASK);
        const r = ring(index);
        const fd = (word & VRING_NOFD_MASK) === 0n ? takeFd() : undefined;
        const efd = fd === undefined ? undefined : adopt(fd, EventFd.fromFd);
        if (m.request === Q.SetVringCall) {
          r.call?.close();
          r.call = efd;
        } else if (m.request === Q.SetVringErr) {
          r.err?.close();
          r.err = efd;
        } else {
          if (efd === undefined)
            throw new Refused(`vring ${index}: polling mode (no kick descriptor) is not supported`);
          this.#startRing(index, efd);
        }
        return false;
      }
      case Q.SetVringEnable: {
        need(P.VringState);
        const index = v.getUint32(0, true);
        ring(index).enabled = v.getUint32(4, true) !== 0;
        if (ring(index).enabled) this.#serve(index);
        return false;
      }
      case Q.GetConfig: {
        need(P.ConfigHeader);
        this.#refreshDisplay();
        const offset = v.getUint32(0, true);
        const size = Math.min(v.getUint32(4, true), MAX_CONFIG_BYTES);
        const reply = new Uint8Array(P.ConfigHeader + size);
        reply.set(p.subarray(0, P.ConfigHeader));
        new DataView(reply.buffer).setUint32(4, size, true);
        reply.set(this.device.readConfig(offset, size), P.ConfigHeader);
        this.#reply(m, reply);
        return true;
      }
      case Q.SetConfig: {
        need(P.ConfigHeader);
        const offset = v.getUint32(0, true);
        const size = v.getUint32(4, true);
        need(P.ConfigHeader + size);
        this.device.writeConfig(offset, p.subarray(P.ConfigHeader, P.ConfigHeader + size));
        return false;
      }
      case Q.GpuSetSocket: {
        const fd = takeFd() ?? refuse("GPU_SET_SOCKET without a descriptor");
        this.#display?.close();
        const display = new DisplayChannel(adopt(fd, UnixSocket.fromFd), (msg) => this.#log(msg));
        this.#display = display;
        this.#negotiateDisplay(display);
        return false;
      }
      case Q.SetBackendReqFd:
        // BACKEND_REQ is not offered; a front-end that sends it anyway gets the descriptor closed.
        throw new Refused("backend requests are not supported");
      default:
        throw new Refused(`unknown request ${m.request}`);
    }
  }

  async #negotiateDisplay(display: DisplayChannel): Promise<void> {
    try {
      await display.negotiate();
      this.#applyModes(await display.displayInfo());
    } catch (e) {
      this.#log(`display negotiation: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Takes QEMU's output modes as the device's (unless `--display` fixed them); unchanged modes are left alone. */
  #applyModes(modes: readonly QemuDisplayMode[]): void {
    if (this.#options.scanouts !== undefined) return;
    const current = this.device.scanoutConfigs();
    for (let i = 0; i < this.device.numScanouts; i++) {
      const mode = modes[i];
      if (mode === undefined || mode.width < 16 || mode.height < 16 || mode.width > 4095 || mode.height > 4095)
        continue;
      const next = { width: mode.width, height: mode.height, connected: mode.enabled || i === 0 };
      const c = current[i]!;
      if (c.width === next.width && c.height === next.height && (c.connected !== false) === next.connected) continue;
      this.device.setScanoutConfig(i, next);
    }
  }

  /**
   * QEMU owns `events_read` for this device and drops a backend's config-change message, so a display change (a
   * window resized) reaches the guest from QEMU's side; the guest then reads the config (our GET_CONFIG) before it
   * asks GET_DISPLAY_INFO / GET_EDID. Each GET_CONFIG therefore fetches QEMU's current modes, and the control queue
   * waits for them (at most {@link DISPLAY_REFRESH_TIMEOUT_MS}), as QEMU's own backend asks QEMU synchronously.
   */
  #refreshDisplay(): void {
    const display = this.#display;
    if (display === undefined || display.closed || this.#options.scanouts !== undefined) return;
    if (this.#displayRefresh !== undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.#log(`QEMU did not answer GET_DISPLAY_INFO within ${DISPLAY_REFRESH_TIMEOUT_MS} ms; modes unchanged`);
        resolve();
      }, DISPLAY_REFRESH_TIMEOUT_MS);
    });
    const fetched = display.displayInfo().then(
      (modes) => this.#applyModes(modes),
      (e) => this.#log(`display info: ${e instanceof Error ? e.message : String(e)}`),
    );
    this.#displayRefresh = Promise.race([fetched, timeout]).finally(() => {
      clearTimeout(timer);
      this.#displayRefresh = undefined;
      this.#serve(0);
    });
  }

  #startRing(index: number, kick: EventFd): void {
    const r = this.#vrings[index]!;
    this.#stopRing(index, false);
    r.kick = kick;
    // Without VHOST_USER_F_PROTOCOL_FEATURES a ring starts enabled; with it, SET_VRING_ENABLE decides.
    if ((this.#features & bit(TransportFeature.ProtocolFeatures)) === 0n) r.enabled = true;
    this.#makeQueue(index);
    kick.watch(() => {
      kick.drain();
      r.kicks++;
      this.#serve(index);
    });
    this.#serve(index);
  }

  #makeQueue(index: number): void {
    const r = this.#vrings[index]!;
    r.queue = undefined;
    if (r.addr === undefined || r.num === 0) return;
    const desc = this.#memory.userToGuest(r.addr.desc);
    const avail = this.#memory.userToGuest(r.addr.avail);
    const used = this.#memory.userToGuest(r.addr.used);
    if (desc === undefined || avail === undefined || used === undefined) {
      this.#log(`vring ${index}: ring addresses are outside guest memory`);
      r.err?.signal();
      return;
    }
    try {
      const eventIdx = (this.#features & bit(TransportFeature.EventIdx)) !== 0n;
      r.queue = new SplitVirtqueue(this.#memory.memory, {
        size: r.num,
        descAddr: desc,
        availAddr: avail,
        usedAddr: used,
        eventIdx,
      });
      r.queue.lastAvailIdx = r.base;
    } catch (e) {
      if (!(e instanceof VirtqueueError)) throw e;
      this.#log(`vring ${index}: ${e.message}`);
      r.err?.signal();
    }
  }

  #remapRings(): void {
    this.#vrings.forEach((r, i) => {
      if (r.queue === undefined) return;
      r.base = r.queue.lastAvailIdx;
      this.#makeQueue(i);
    });
  }

  #stopRing(index: number, forget: boolean): void {
    const r = this.#vrings[index]!;
    r.kick?.close();
    r.kick = undefined;
    if (r.queue !== undefined) r.base = r.queue.lastAvailIdx;
    r.queue = undefined;
    if (forget) {
      r.call?.close();
      r.err?.close();
      r.call = undefined;
      r.err = undefined;
      r.enabled = false;
      r.addr = undefined;
      r.base = 0;
      r.num = 0;
    }
  }

  #serve(index: number): void {
    const r = this.#vrings[index]!;
    const q = r.queue;
    if (q === undefined || !r.enabled || this.#ended) return;
    if (index === 0 && this.#displayRefresh !== undefined) return; // served again once QEMU's modes are in
    let notify: boolean;
    try {
      notify = this.device.processQueue(index, q);
    } catch (e) {
      // The device answers every request itself; reaching here means guest memory went away under the ring.
      this.#log(`vring ${index}: ${e instanceof Error ? e.message : String(e)}; the ring needs a reset`);
      r.queue = undefined;
      r.err?.signal();
      return;
    }
    if (q.broken) {
      this.#log(`vring ${index}: the driver published more buffers than the ring holds; the ring needs a reset`);
      r.queue = undefined;
      r.err?.signal();
    }
    if (notify) r.call?.signal();
  }
}

/** Wraps a received descriptor, closing it when it is not what it should be. */
function adopt<T>(fd: number, wrap: (fd: number) => T): T {
  try {
    return wrap(fd);
  } catch (e) {
    closeFd(fd);
    throw e;
  }
}

function refuse(why: string): never {
  throw new Refused(why);
}

function region(v: DataView, at: number): MemoryRegionDescriptor {
  return {
    guestPhysAddr: v.getBigUint64(at, true),
    memorySize: v.getBigUint64(at + 8, true),
    userspaceAddr: v.getBigUint64(at + 16, true),
    mmapOffset: v.getBigUint64(at + 24, true),
  };
}

function describeEnd(why: ReaderEnd): string {
  if (why.kind === "eof") return "the front-end closed the connection";
  if (why.kind === "oversize") return `request ${why.request} announced ${why.size} bytes; closing`;
  return `socket error: ${why.error instanceof Error ? why.error.message : String(why.error)}`;
}
