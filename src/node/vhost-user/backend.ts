import { RutabagaBuilder } from "../../rutabaga/builder.ts";
import { RutabagaComponentType } from "../../rutabaga/constants.ts";
import type { Rutabaga } from "../../rutabaga/rutabaga.ts";
import type { RutabagaFenceHandler } from "../../rutabaga/types.ts";
import type { GpuRect } from "../../virtio-gpu/commands.ts";
import { type RequestRecorder, type ScanoutConfig, VirtioGpuDevice } from "../../virtio-gpu/device.ts";
import { DEFAULT_SCANOUT } from "../../virtio-gpu/display-model.ts";
import type { CursorState, DisplaySink, ScanoutFrame } from "../../virtio-gpu/display-sink.ts";
import { EDID_MAX_DIMENSION, MIN_SCANOUT_DIMENSION } from "../../virtio-gpu/index.ts";
import { SplitVirtqueue, VirtqueueError } from "../../virtio-gpu/virtqueue.ts";
import { EventFd } from "../os/eventfd.ts";
import { closeFd } from "../os/fd.ts";
import { readToEnd, writeAndClose } from "../os/fd-stream.ts";
import { OsError } from "../os/os-error.ts";
import { UnixSocket } from "../os/unix-socket.ts";
import {
  decodeConfig,
  decodeMemTable,
  decodeSingleMemRegion,
  decodeU64,
  decodeVringAddr,
  decodeVringFd,
  decodeVringState,
  encodeConfig,
  encodeU64,
  encodeVringState,
  frameMessage,
  VhostUserRefusal,
} from "./codec.ts";
import { DisplayChannel } from "./display-channel.ts";
import type { QemuDisplayMode } from "./display-codec.ts";
import { MemoryTable, MemoryTableError } from "./memory-table.ts";
import { type FramedMessage, MessageReader, type ReaderEnd } from "./message-reader.ts";
import {
  DeviceStateTransfer,
  GPU_QUEUE_COUNT,
  MAX_CONFIG_BYTES,
  MAX_MEM_SLOTS,
  MAX_VHOST_USER_PAYLOAD,
  MAX_VRING_SIZE,
  TransportFeature,
  VhostUserFlags,
  VhostUserProtocolFeature,
  VhostUserRequest,
} from "./protocol.ts";

/** How the backend is set up. */
export interface VhostUserGpuOptions {
  /** Display outputs; `undefined` takes QEMU's sizes from GET_DISPLAY_INFO (one {@link DEFAULT_SCANOUT} until it answers). */
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
  bit(VhostUserProtocolFeature.ResetDevice) |
  bit(VhostUserProtocolFeature.DeviceState);
const TRANSPORT_FEATURES =
  bit(TransportFeature.NotifyOnEmpty) |
  bit(TransportFeature.IndirectDesc) |
  bit(TransportFeature.EventIdx) |
  bit(TransportFeature.ProtocolFeatures) |
  bit(TransportFeature.Version1);
/** What one message came to: its own reply sent, nothing to answer, or a refusal the edge answers. */
type Outcome = "replied" | "done" | VhostUserRefusal;
/** REPLY_ACK's u64 status (vhost-user.rst: zero is success). */
const ACK_OK = 0n;
const ACK_FAILED = 1n;
/** Largest device state a front-end may load (the host-memory limit's default plus room for the state). */
const MAX_DEVICE_STATE_BYTES = 8 * 1024 * 1024 * 1024;
/** How long the control queue waits for QEMU's display info after a config read. */
const DISPLAY_REFRESH_TIMEOUT_MS = 1000;

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
  /** The device state being saved or loaded: resolves to whether it worked (CHECK_DEVICE_STATE's answer). */
  #stateTransfer: Promise<boolean> | undefined;
  #ended = false;
  readonly #onEnd: ((why: string) => void)[] = [];
  /** Messages handled, by request id (for logs and tests). */
  readonly handled = new Map<number, number>();

  constructor(socket: UnixSocket, options: VhostUserGpuOptions = {}) {
    this.#socket = socket;
    this.#options = options;
    const count = options.scanouts?.length ?? options.scanoutCount ?? 1;
    const scanouts = options.scanouts ?? Array.from({ length: count }, () => ({ ...DEFAULT_SCANOUT }));
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
    this.#socket.send(frameMessage(m.request, VhostUserFlags.Version | VhostUserFlags.Reply, payload));
  }

  /** The edge: a refusal becomes a log line and, when the front-end asked for REPLY_ACK, a failure status. */
  #handle(m: FramedMessage): void {
    if ((m.flags & VhostUserFlags.VersionMask) !== VhostUserFlags.Version) {
      for (const fd of m.fds) closeFd(fd);
      this.#log(`request ${m.request}: protocol version ${m.flags & VhostUserFlags.VersionMask}, not 1; closing`);
      this.#end("foreign protocol version");
      return;
    }
    this.handled.set(m.request, (this.handled.get(m.request) ?? 0) + 1);
    const needsAck =
      (m.flags & VhostUserFlags.NeedReply) !== 0 &&
      (this.#protocolFeatures & bit(VhostUserProtocolFeature.ReplyAck)) !== 0n;
    const fds = { left: m.fds };
    const takeFd = (): number | undefined => {
      const [fd, ...rest] = fds.left;
      fds.left = rest;
      return fd;
    };
    let outcome: Outcome;
    try {
      outcome = this.#dispatch(m, takeFd);
    } catch (e) {
      outcome = refusalOf(e);
    } finally {
      for (const fd of fds.left) closeFd(fd);
    }
    if (outcome instanceof VhostUserRefusal) this.#log(`request ${m.request}: refused: ${outcome.reason}`);
    if (needsAck && outcome !== "replied")
      this.#reply(m, encodeU64(outcome instanceof VhostUserRefusal ? ACK_FAILED : ACK_OK));
  }

  #ring(index: number): Vring | VhostUserRefusal {
    return this.#vrings[index] ?? new VhostUserRefusal(`no vring ${index}`);
  }

  /** Executes one message. */
  #dispatch(m: FramedMessage, takeFd: () => number | undefined): Outcome {
    const p = m.payload;
    switch (m.request) {
      case VhostUserRequest.GetFeatures:
        this.#reply(m, encodeU64(TRANSPORT_FEATURES | this.device.deviceFeatures()));
        return "replied";
      case VhostUserRequest.SetFeatures: {
        const features = decodeU64(p);
        if (features instanceof VhostUserRefusal) return features;
        this.#features = features;
        this.device.setDriverFeatures(this.#features);
        return "done";
      }
      case VhostUserRequest.GetProtocolFeatures:
        this.#reply(m, encodeU64(PROTOCOL_FEATURES));
        return "replied";
      case VhostUserRequest.SetProtocolFeatures: {
        const features = decodeU64(p);
        if (features instanceof VhostUserRefusal) return features;
        this.#protocolFeatures = features & PROTOCOL_FEATURES;
        return "done";
      }
      case VhostUserRequest.SetOwner:
        return "done";
      case VhostUserRequest.ResetOwner:
      case VhostUserRequest.ResetDevice:
        for (let i = 0; i < this.#vrings.length; i++) this.#stopRing(i, true);
        this.device.reset();
        return "done";
      case VhostUserRequest.GetQueueNum:
        this.#reply(m, encodeU64(BigInt(GPU_QUEUE_COUNT)));
        return "replied";
      case VhostUserRequest.GetMaxMemSlots:
        this.#reply(m, encodeU64(BigInt(MAX_MEM_SLOTS)));
        return "replied";
      case VhostUserRequest.SetMemTable: {
        const regions = decodeMemTable(p);
        if (regions instanceof VhostUserRefusal) return regions;
        const fds: number[] = [];
        for (let i = 0; i < regions.length; i++) {
          const fd = takeFd();
          if (fd === undefined) {
            for (const taken of fds) closeFd(taken);
            return new VhostUserRefusal(`region ${i} came without a descriptor`);
          }
          fds.push(fd);
        }
        this.#memory.replace(regions, fds);
        this.#remapRings();
        return "done";
      }
      case VhostUserRequest.AddMemReg: {
        const region = decodeSingleMemRegion(p);
        if (region instanceof VhostUserRefusal) return region;
        const fd = takeFd();
        if (fd === undefined) return new VhostUserRefusal("ADD_MEM_REG without a descriptor");
        this.#memory.add(region, fd);
        this.#remapRings();
        return "done";
      }
      case VhostUserRequest.RemMemReg: {
        const region = decodeSingleMemRegion(p);
        if (region instanceof VhostUserRefusal) return region;
        if (!this.#memory.remove(region)) return new VhostUserRefusal("no such region");
        this.#remapRings();
        return "done";
      }
      case VhostUserRequest.SetVringNum: {
        const state = decodeVringState(p);
        if (state instanceof VhostUserRefusal) return state;
        const r = this.#ring(state.index);
        if (r instanceof VhostUserRefusal) return r;
        const num = state.num;
        if (num === 0 || num > MAX_VRING_SIZE || (num & (num - 1)) !== 0)
          return new VhostUserRefusal(`vring size ${num}`);
        r.num = num;
        return "done";
      }
      case VhostUserRequest.SetVringBase: {
        const state = decodeVringState(p);
        if (state instanceof VhostUserRefusal) return state;
        const r = this.#ring(state.index);
        if (r instanceof VhostUserRefusal) return r;
        r.base = state.num & 0xffff;
        return "done";
      }
      case VhostUserRequest.SetVringAddr: {
        const addr = decodeVringAddr(p);
        if (addr instanceof VhostUserRefusal) return addr;
        const r = this.#ring(addr.index);
        if (r instanceof VhostUserRefusal) return r;
        r.addr = { desc: addr.desc, used: addr.used, avail: addr.avail };
        return "done";
      }
      case VhostUserRequest.GetVringBase: {
        const state = decodeVringState(p);
        if (state instanceof VhostUserRefusal) return state;
        const r = this.#ring(state.index);
        if (r instanceof VhostUserRefusal) return r;
        const base = r.queue?.lastAvailIdx ?? r.base;
        this.#stopRing(state.index, false);
        r.base = base;
        this.#reply(m, encodeVringState({ index: state.index, num: base }));
        return "replied";
      }
      case VhostUserRequest.SetVringKick:
      case VhostUserRequest.SetVringCall:
      case VhostUserRequest.SetVringErr: {
        const word = decodeVringFd(p);
        if (word instanceof VhostUserRefusal) return word;
        const r = this.#ring(word.index);
        if (r instanceof VhostUserRefusal) return r;
        const fd = word.noFd ? undefined : takeFd();
        const efd = fd === undefined ? undefined : adopt(fd, EventFd.fromFd);
        if (m.request === VhostUserRequest.SetVringCall) {
          r.call?.close();
          r.call = efd;
        } else if (m.request === VhostUserRequest.SetVringErr) {
          r.err?.close();
          r.err = efd;
        } else {
          if (efd === undefined)
            return new VhostUserRefusal(`vring ${word.index}: polling mode (no kick descriptor) is not supported`);
          this.#startRing(word.index, efd);
        }
        return "done";
      }
      case VhostUserRequest.SetVringEnable: {
        const state = decodeVringState(p);
        if (state instanceof VhostUserRefusal) return state;
        const r = this.#ring(state.index);
        if (r instanceof VhostUserRefusal) return r;
        r.enabled = state.num !== 0;
        if (r.enabled) this.#serve(state.index);
        return "done";
      }
      case VhostUserRequest.GetConfig: {
        const config = decodeConfig(p, false);
        this.#refreshDisplay();
        if (config instanceof VhostUserRefusal) return config;
        const size = Math.min(config.size, MAX_CONFIG_BYTES);
        const data = this.device.readConfig(config.offset, size);
        this.#reply(m, encodeConfig({ offset: config.offset, flags: config.flags, data }));
        return "replied";
      }
      case VhostUserRequest.SetConfig: {
        const config = decodeConfig(p, true);
        if (config instanceof VhostUserRefusal) return config;
        this.device.writeConfig(config.offset, config.data);
        return "done";
      }
      case VhostUserRequest.GpuSetSocket: {
        const fd = takeFd();
        if (fd === undefined) return new VhostUserRefusal("GPU_SET_SOCKET without a descriptor");
        this.#display?.close();
        const display = new DisplayChannel(adopt(fd, UnixSocket.fromFd), (msg) => this.#log(msg));
        this.#display = display;
        this.#negotiateDisplay(display);
        return "done";
      }
      case VhostUserRequest.SetDeviceStateFd:
        return this.#setDeviceStateFd(m, takeFd());
      case VhostUserRequest.CheckDeviceState: {
        const transfer = this.#stateTransfer;
        this.#stateTransfer = undefined;
        const reply = (ok: boolean) => {
          if (!this.#ended) this.#reply(m, encodeU64(ok ? ACK_OK : ACK_FAILED));
        };
        if (transfer === undefined) reply(false);
        else void transfer.then(reply);
        return "replied";
      }
      case VhostUserRequest.SetBackendReqFd:
        // BACKEND_REQ is not offered; a front-end that sends it anyway gets the descriptor closed.
        return new VhostUserRefusal("backend requests are not supported");
      default:
        return new VhostUserRefusal(`unknown request ${m.request}`);
    }
  }

  /**
   * SET_DEVICE_STATE_FD: saves the device's snapshot into the front-end's channel, or loads one from it, in the
   * background; CHECK_DEVICE_STATE then answers whether that worked. The rings are stopped (phase 0) by then.
   */
  #setDeviceStateFd(m: FramedMessage, fd: number | undefined): Outcome {
    const fail = (why: string): Outcome => {
      if (fd !== undefined) closeFd(fd);
      this.#stateTransfer = Promise.resolve(false);
      this.#reply(m, encodeU64(DeviceStateTransfer.REPLY_ERROR | DeviceStateTransfer.REPLY_NO_FD));
      this.#log(`device state transfer refused: ${why}`);
      return "replied";
    };
    if ((this.#protocolFeatures & bit(VhostUserProtocolFeature.DeviceState)) === 0n) {
      return fail("VHOST_USER_PROTOCOL_F_DEVICE_STATE was not negotiated");
    }
    if (fd === undefined) return fail("no descriptor");
    if (m.payload.byteLength < DeviceStateTransfer.SIZE) return fail("short payload");
    const v = new DataView(m.payload.buffer, m.payload.byteOffset, m.payload.byteLength);
    const direction = v.getUint32(DeviceStateTransfer.direction, true);
    if (v.getUint32(DeviceStateTransfer.phase, true) !== DeviceStateTransfer.PHASE_STOPPED) {
      return fail("only the stopped phase is supported");
    }
    const logged = (what: string) => (e: unknown) => {
      this.#log(`device state ${what}: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    };
    if (direction === DeviceStateTransfer.SAVE) {
      let state: Uint8Array;
      try {
        state = this.device.snapshot();
      } catch (e) {
        return fail(e instanceof Error ? e.message : String(e));
      }
      this.#reply(m, encodeU64(DeviceStateTransfer.REPLY_NO_FD));
      this.#stateTransfer = writeAndClose(fd, state).then(() => true, logged("save"));
      return "replied";
    }
    if (direction !== DeviceStateTransfer.LOAD) return fail(`direction ${direction}`);
    this.#reply(m, encodeU64(DeviceStateTransfer.REPLY_NO_FD));
    this.#stateTransfer = readToEnd(fd, MAX_DEVICE_STATE_BYTES)
      .then((state) => {
        this.device.restore(state, this.#memory.memory);
        return true;
      }, logged("load"))
      .catch(logged("load"));
    return "replied";
  }

  async #negotiateDisplay(display: DisplayChannel): Promise<void> {
    try {
      await display.negotiate();
      const modes = await display.displayInfo();
      if (modes instanceof VhostUserRefusal) {
        this.#log(`display negotiation: ${modes.reason}`);
        return;
      }
      this.#applyModes(modes);
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
      const fits = (n: number) => n >= MIN_SCANOUT_DIMENSION && n <= EDID_MAX_DIMENSION;
      if (mode === undefined || !fits(mode.width) || !fits(mode.height)) continue;
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
      (modes) => {
        if (modes instanceof VhostUserRefusal) this.#log(`display info: ${modes.reason}`);
        else this.#applyModes(modes);
      },
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

/** An error from the layers below (a region that cannot be mapped, a descriptor that is not what it claims). */
function refusalOf(e: unknown): VhostUserRefusal {
  if (e instanceof MemoryTableError || e instanceof OsError) return new VhostUserRefusal(e.message);
  // Anything else is a bug of ours; the front-end still gets its answer and the connection goes on.
  return new VhostUserRefusal(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
}

function describeEnd(why: ReaderEnd): string {
  if (why.kind === "eof") return "the front-end closed the connection";
  if (why.kind === "oversize") return `request ${why.request} announced ${why.size} bytes; closing`;
  return `socket error: ${why.error instanceof Error ? why.error.message : String(why.error)}`;
}
