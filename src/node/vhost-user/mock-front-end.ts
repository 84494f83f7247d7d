import type { GpuCommand } from "../../virtio-gpu/commands.ts";
import { GpuWireSize } from "../../virtio-gpu/protocol.ts";
import { encodeRequest, type RequestHeader } from "../../virtio-gpu/request-encoder.ts";
import { MockGuestRam, MockVirtqueueDriver } from "../../virtio-gpu/virtqueue-mock-driver.ts";
import { EventFd } from "../os/eventfd.ts";
import { readToEnd, writeAndClose } from "../os/fd-stream.ts";
import { createMemfd } from "../os/memfd.ts";
import { MemoryMapping } from "../os/memory-mapping.ts";
import { UnixSocket } from "../os/unix-socket.ts";
import {
  decodeU64,
  encodeConfig,
  encodeSingleMemRegion,
  encodeU64,
  encodeVringAddr,
  encodeVringFd,
  encodeVringState,
  frameMessage,
  VhostUserRefusal,
} from "./codec.ts";
import { encodeDisplayInfo } from "./display-codec.ts";
import { type FramedMessage, MessageReader } from "./message-reader.ts";
import {
  DeviceStateTransfer,
  GPU_DISPLAY_REPLY_FLAG,
  GpuDisplayProtocolFeature,
  GpuDisplayRequest,
  MAX_VHOST_USER_PAYLOAD,
  VhostUserFlags,
  VhostUserProtocolFeature,
  VhostUserRequest,
} from "./protocol.ts";

/** Where QEMU's address space puts guest RAM in this mock (SET_VRING_ADDR carries these addresses). */
export const USER_BASE = 0x7f00_0000_0000n;
export const GUEST_BASE = 0n;

const bit = (b: bigint) => 1n << b;
/** What QEMU 10 answers to the display socket's GET_PROTOCOL_FEATURES. */
const QEMU_DISPLAY_FEATURES = bit(GpuDisplayProtocolFeature.Edid) | bit(GpuDisplayProtocolFeature.Dmabuf2);
/** The protocol features QEMU 10 accepts from our backend's offer. */
const ACCEPTED_PROTOCOL_FEATURES =
  bit(VhostUserProtocolFeature.ReplyAck) |
  bit(VhostUserProtocolFeature.Config) |
  bit(VhostUserProtocolFeature.ConfigureMemSlots);
/** Bytes of `virtio_gpu_config`, which QEMU reads with GET_CONFIG. */
const GPU_CONFIG_BYTES = GpuWireSize.Config;
/** Largest UPDATE the mock accepts on its display socket (a 1280×800 frame is 4 MB). */
const MAX_DISPLAY_MESSAGE = 8 << 20;

/**
 * A stand-in for QEMU's vhost-user front-end, driving a backend over a socket the way QEMU 10 does: shared memfd
 * guest RAM, eventfds, virtqueues filled by {@link MockVirtqueueDriver}, and a display socket it answers. Every
 * message is written with the codec the backend reads with. For tests, fuzzers and benchmarks.
 */
export class MockFrontEnd {
  readonly socket: UnixSocket;
  readonly ramFd: number;
  readonly ram: MockGuestRam;
  readonly mapping: MemoryMapping;
  readonly display: UnixSocket;
  readonly displayPeer: UnixSocket;
  readonly displayMessages: FramedMessage[] = [];
  readonly queues: MockVirtqueueDriver[];
  readonly kicks = [EventFd.create(), EventFd.create()];
  readonly calls = [EventFd.create(), EventFd.create()];
  #replies: ((m: FramedMessage | undefined) => void)[] = [];
  #displayWaiters: (() => void)[] = [];
  ended = false;
  /** The size QEMU reports in GET_DISPLAY_INFO. */
  displayMode = { width: 640, height: 480 };

  constructor(socket: UnixSocket, ramBytes = 16 * 1024 * 1024) {
    this.socket = socket;
    const [display, peer] = UnixSocket.pair();
    this.display = display;
    this.displayPeer = peer;
    this.ramFd = createMemfd("guest-ram", ramBytes);
    this.mapping = MemoryMapping.map(this.ramFd, ramBytes);
    this.ram = new MockGuestRam(this.mapping.bytes, GUEST_BASE);
    this.queues = [
      new MockVirtqueueDriver(this.ram, { size: 64, eventIdx: true, indirect: true }),
      new MockVirtqueueDriver(this.ram, { size: 16, eventIdx: true }),
    ];
    new MessageReader(
      socket,
      MAX_VHOST_USER_PAYLOAD,
      (m) => this.#replies.shift()?.(m),
      () => {
        this.ended = true;
        for (const reply of this.#replies.splice(0)) reply(undefined);
      },
    );
    new MessageReader(
      display,
      MAX_DISPLAY_MESSAGE,
      (m) => this.#onDisplay(m),
      () => {},
    );
  }

  #onDisplay(m: FramedMessage): void {
    this.displayMessages.push(m);
    if (m.request === GpuDisplayRequest.GetProtocolFeatures) {
      this.display.send(
        frameMessage(GpuDisplayRequest.GetProtocolFeatures, GPU_DISPLAY_REPLY_FLAG, encodeU64(QEMU_DISPLAY_FEATURES)),
      );
    } else if (m.request === GpuDisplayRequest.GetDisplayInfo) {
      const reply = encodeDisplayInfo([{ ...this.displayMode, enabled: true }]);
      this.display.send(frameMessage(GpuDisplayRequest.GetDisplayInfo, GPU_DISPLAY_REPLY_FLAG, reply));
    }
    for (const wake of this.#displayWaiters.splice(0)) wake();
  }

  /**
   * Sends a message; resolves with the reply when one is expected (GET_* or NEED_REPLY), or `undefined` when the
   * backend ended the connection instead.
   */
  send(
    request: number,
    payload: Uint8Array = new Uint8Array(0),
    fds: number[] = [],
    options: { needReply?: boolean; expectReply?: boolean; flags?: number } = {},
  ): Promise<FramedMessage | undefined> {
    const flags = options.flags ?? VhostUserFlags.Version | (options.needReply ? VhostUserFlags.NeedReply : 0);
    const expect = options.expectReply ?? options.needReply ?? false;
    const reply = expect
      ? new Promise<FramedMessage | undefined>((resolve) => this.#replies.push(resolve))
      : Promise.resolve(undefined);
    this.socket.send(frameMessage(request, flags, payload), fds);
    return reply;
  }

  /** The u64 of a reply. */
  static u64(m: FramedMessage | undefined): bigint {
    const value = m === undefined ? new VhostUserRefusal("no reply") : decodeU64(m.payload);
    if (value instanceof VhostUserRefusal) throw new Error(`no u64 reply: ${value.reason}`);
    return value;
  }

  /** A u64 payload. */
  static u64Payload(value: bigint): Uint8Array {
    return encodeU64(value);
  }

  /** A `{index, num}` payload. */
  static vringState(index: number, num: number): Uint8Array {
    return encodeVringState({ index, num });
  }

  /**
   * The messages QEMU 10 sends at realize, probe and DRIVER_OK (vhost-user-gpu.md), up to enabled rings. With
   * `deviceState`, the front-end also accepts `VHOST_USER_PROTOCOL_F_DEVICE_STATE` (QEMU 10 does not, for a GPU).
   */
  async start(features: bigint, options: { deviceState?: boolean } = {}): Promise<void> {
    await this.send(VhostUserRequest.GetFeatures, undefined, [], { expectReply: true });
    await this.send(VhostUserRequest.GetProtocolFeatures, undefined, [], { expectReply: true });
    const accepted =
      ACCEPTED_PROTOCOL_FEATURES | (options.deviceState === true ? bit(VhostUserProtocolFeature.DeviceState) : 0n);
    await this.send(VhostUserRequest.SetProtocolFeatures, encodeU64(accepted));
    await this.send(VhostUserRequest.GetQueueNum, undefined, [], { expectReply: true });
    await this.send(VhostUserRequest.GetMaxMemSlots, undefined, [], { expectReply: true });
    await this.send(VhostUserRequest.SetOwner);
    for (const i of [0, 1])
      await this.send(VhostUserRequest.SetVringCall, encodeVringFd({ index: i, noFd: false }), [this.calls[i]!.fd]);
    await this.send(VhostUserRequest.GetConfig, configRequest(0, GPU_CONFIG_BYTES), [], { expectReply: true });
    await this.send(VhostUserRequest.GpuSetSocket, undefined, [this.displayPeer.fd]);
    this.displayPeer.close();
    await this.send(VhostUserRequest.SetFeatures, encodeU64(features));
    const region = encodeSingleMemRegion({
      guestPhysAddr: GUEST_BASE,
      memorySize: BigInt(this.mapping.length),
      userspaceAddr: USER_BASE,
      mmapOffset: 0n,
    });
    const ack = await this.send(VhostUserRequest.AddMemReg, region, [this.ramFd], { needReply: true });
    if (MockFrontEnd.u64(ack) !== 0n) throw new Error("ADD_MEM_REG refused");
    for (const i of [0, 1]) {
      const q = this.queues[i]!;
      await this.send(VhostUserRequest.SetVringNum, encodeVringState({ index: i, num: q.config.size }));
      await this.send(VhostUserRequest.SetVringBase, encodeVringState({ index: i, num: 0 }));
      const addr = encodeVringAddr({
        index: i,
        flags: 0,
        desc: USER_BASE + q.config.descAddr - GUEST_BASE,
        used: USER_BASE + q.config.usedAddr - GUEST_BASE,
        avail: USER_BASE + q.config.availAddr - GUEST_BASE,
        log: 0n,
      });
      await this.send(VhostUserRequest.SetVringAddr, addr);
      await this.send(VhostUserRequest.SetVringKick, encodeVringFd({ index: i, noFd: false }), [this.kicks[i]!.fd]);
    }
    for (const i of [0, 1]) {
      const ack = await this.send(VhostUserRequest.SetVringEnable, encodeVringState({ index: i, num: 1 }), [], {
        needReply: true,
      });
      if (MockFrontEnd.u64(ack) !== 0n) throw new Error("SET_VRING_ENABLE refused");
    }
  }

  /** Puts a request on a queue, kicks, and waits for the call eventfd; returns the response bytes. */
  async request(
    command: GpuCommand,
    hdr: RequestHeader = {},
    queueIndex = 0,
  ): Promise<{ type: number; bytes: Uint8Array }> {
    const q = this.queues[queueIndex]!;
    // Room for the largest response this mock's requests get (RESP_OK_EDID).
    const placed = q.add([encodeRequest(command, hdr)], [GpuWireSize.RespEdid]);
    const called = new Promise<void>((resolve) =>
      this.calls[queueIndex]!.watch(() => {
        this.calls[queueIndex]!.drain();
        resolve();
      }),
    );
    this.kicks[queueIndex]!.signal();
    await called;
    const used = q.takeUsed().find((u) => u.head === placed.head);
    if (used === undefined) throw new Error("no response");
    const bytes = this.ram.view(placed.writable[0]!.addr, used.length).slice();
    return { type: new DataView(bytes.buffer).getUint32(0, true), bytes };
  }

  /**
   * Stops both rings (GET_VRING_BASE), as a front-end does before a device state transfer; returns their positions.
   */
  async stopRings(): Promise<number[]> {
    const bases: number[] = [];
    for (const i of [0, 1]) {
      const reply = await this.send(VhostUserRequest.GetVringBase, encodeVringState({ index: i, num: 0 }), [], {
        expectReply: true,
      });
      if (reply === undefined) throw new Error("no GET_VRING_BASE reply");
      bases.push(new DataView(reply.payload.buffer, reply.payload.byteOffset).getUint32(4, true));
    }
    return bases;
  }

  /** SET_DEVICE_STATE_FD in `direction` over a new socket pair; returns the front-end's end and the reply's u64. */
  async #openStateChannel(direction: number): Promise<{ fd: number; reply: bigint }> {
    const [mine, theirs] = UnixSocket.pair();
    const payload = new Uint8Array(DeviceStateTransfer.SIZE);
    new DataView(payload.buffer).setUint32(DeviceStateTransfer.direction, direction, true);
    const reply = this.send(VhostUserRequest.SetDeviceStateFd, payload, [theirs.fd], { expectReply: true });
    theirs.close();
    return { fd: mine.fd, reply: MockFrontEnd.u64(await reply) };
  }

  /** CHECK_DEVICE_STATE's u64 (0: the transfer worked). */
  async checkDeviceState(): Promise<bigint> {
    return MockFrontEnd.u64(await this.send(VhostUserRequest.CheckDeviceState, undefined, [], { expectReply: true }));
  }

  /** Saves the back-end's state as QEMU's migration would: the state read to EOF, then CHECK_DEVICE_STATE. */
  async saveDeviceState(): Promise<{ state: Uint8Array; reply: bigint; check: bigint }> {
    const { fd, reply } = await this.#openStateChannel(DeviceStateTransfer.SAVE);
    const state = reply === DeviceStateTransfer.REPLY_NO_FD ? await readToEnd(fd, 1 << 30) : new Uint8Array(0);
    return { state, reply, check: await this.checkDeviceState() };
  }

  /** Loads `state` into the back-end: written and the channel closed, then CHECK_DEVICE_STATE. */
  async loadDeviceState(state: Uint8Array): Promise<{ reply: bigint; check: bigint }> {
    const { fd, reply } = await this.#openStateChannel(DeviceStateTransfer.LOAD);
    if (reply === DeviceStateTransfer.REPLY_NO_FD) await writeAndClose(fd, state);
    return { reply, check: await this.checkDeviceState() };
  }

  /** Resolves once the display socket has seen `count` messages of `request`; rejects after `timeoutMs`. */
  waitForDisplay(request: number, count = 1, timeoutMs = 5000): Promise<FramedMessage[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const seen = this.displayMessages.map((m) => m.request).join(",");
        reject(new Error(`waited for display message ${request} ×${count}; saw ${seen}`));
      }, timeoutMs);
      const check = () => {
        const got = this.displayMessages.filter((m) => m.request === request);
        if (got.length >= count) {
          clearTimeout(timer);
          resolve(got);
        } else {
          this.#displayWaiters.push(check);
        }
      };
      check();
    });
  }

  close(): void {
    this.socket.close();
    this.display.close();
    for (const e of [...this.kicks, ...this.calls]) e.close();
    this.mapping.unmap();
  }
}

/** GET_CONFIG's payload: `{offset, size, flags}` and `size` bytes of room for the answer. */
export function configRequest(offset: number, size: number): Uint8Array {
  return encodeConfig({ offset, flags: 0, data: new Uint8Array(size) });
}
