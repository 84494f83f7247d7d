import { EventFd } from "../../../src/node/os/eventfd.ts";
import { createMemfd } from "../../../src/node/os/memfd.ts";
import { MemoryMapping } from "../../../src/node/os/memory-mapping.ts";
import { UnixSocket } from "../../../src/node/os/unix-socket.ts";
import { type FramedMessage, frameMessage, MessageReader } from "../../../src/node/vhost-user/message-reader.ts";
import {
  VhostUserFlags as F,
  GPU_DISPLAY_REPLY_FLAG,
  VhostUserRequest as Q,
} from "../../../src/node/vhost-user/protocol.ts";
import {
  encodeRequest,
  type GpuCommand,
  MockGuestRam,
  MockVirtqueueDriver,
  type RequestHeader,
} from "../../../src/virtio-gpu/index.ts";

/** Where QEMU's address space puts guest RAM in this mock (SET_VRING_ADDR carries these addresses). */
export const USER_BASE = 0x7f00_0000_0000n;
export const GUEST_BASE = 0n;

/** A stand-in for QEMU's vhost-user front-end: shared memfd guest RAM, eventfds, a display socket it answers. */
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
  #replies: ((m: FramedMessage) => void)[] = [];
  ended = false;
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
      1 << 20,
      (m) => this.#replies.shift()?.(m),
      () => {
        this.ended = true;
      },
    );
    new MessageReader(
      display,
      8 << 20,
      (m) => this.#onDisplay(m),
      () => {},
    );
  }

  #onDisplay(m: FramedMessage): void {
    this.displayMessages.push(m);
    if (m.request === 1) {
      const p = new Uint8Array(8);
      new DataView(p.buffer).setBigUint64(0, 3n, true);
      this.display.send(frameMessage(1, GPU_DISPLAY_REPLY_FLAG, p));
    } else if (m.request === 3) {
      const p = new Uint8Array(408);
      const v = new DataView(p.buffer);
      v.setUint32(0, 0x1101, true);
      v.setUint32(24 + 8, this.displayMode.width, true);
      v.setUint32(24 + 12, this.displayMode.height, true);
      v.setUint32(24 + 16, 1, true);
      this.display.send(frameMessage(3, GPU_DISPLAY_REPLY_FLAG, p));
    }
  }

  /** Sends a message; resolves with the reply when one is expected (GET_* or NEED_REPLY). */
  send(
    request: number,
    payload: Uint8Array = new Uint8Array(0),
    fds: number[] = [],
    options: { needReply?: boolean; expectReply?: boolean; flags?: number } = {},
  ): Promise<FramedMessage | undefined> {
    const flags = options.flags ?? F.Version | (options.needReply ? F.NeedReply : 0);
    const expect = options.expectReply ?? options.needReply ?? false;
    const reply = expect
      ? new Promise<FramedMessage>((resolve) => this.#replies.push(resolve))
      : Promise.resolve(undefined);
    this.socket.send(frameMessage(request, flags, payload), fds);
    return reply;
  }

  /** The u64 of a reply. */
  static u64(m: FramedMessage | undefined): bigint {
    if (m === undefined || m.payload.length < 8) throw new Error("no u64 reply");
    return new DataView(m.payload.buffer, m.payload.byteOffset).getBigUint64(0, true);
  }

  static u64Payload(value: bigint): Uint8Array {
    const p = new Uint8Array(8);
    new DataView(p.buffer).setBigUint64(0, value, true);
    return p;
  }

  static vringState(index: number, num: number): Uint8Array {
    const p = new Uint8Array(8);
    const v = new DataView(p.buffer);
    v.setUint32(0, index, true);
    v.setUint32(4, num, true);
    return p;
  }

  /** The messages QEMU 10 sends at realize, probe and DRIVER_OK (vhost-user-gpu.md), up to enabled rings. */
  async start(features: bigint): Promise<void> {
    await this.send(Q.GetFeatures, undefined, [], { expectReply: true });
    await this.send(Q.GetProtocolFeatures, undefined, [], { expectReply: true });
    await this.send(Q.SetProtocolFeatures, MockFrontEnd.u64Payload((1n << 3n) | (1n << 9n) | (1n << 15n)));
    await this.send(Q.GetQueueNum, undefined, [], { expectReply: true });
    await this.send(Q.GetMaxMemSlots, undefined, [], { expectReply: true });
    await this.send(Q.SetOwner);
    for (const i of [0, 1]) await this.send(Q.SetVringCall, MockFrontEnd.u64Payload(BigInt(i)), [this.calls[i]!.fd]);
    await this.send(Q.GetConfig, configRequest(0, 16), [], { expectReply: true });
    await this.send(Q.GpuSetSocket, undefined, [this.displayPeer.fd]);
    this.displayPeer.close();
    await this.send(Q.SetFeatures, MockFrontEnd.u64Payload(features));
    const region = new Uint8Array(40);
    const rv = new DataView(region.buffer);
    rv.setBigUint64(8, GUEST_BASE, true);
    rv.setBigUint64(16, BigInt(this.mapping.length), true);
    rv.setBigUint64(24, USER_BASE, true);
    rv.setBigUint64(32, 0n, true);
    const ack = await this.send(Q.AddMemReg, region, [this.ramFd], { needReply: true });
    if (MockFrontEnd.u64(ack) !== 0n) throw new Error("ADD_MEM_REG refused");
    for (const i of [0, 1]) {
      const q = this.queues[i]!;
      await this.send(Q.SetVringNum, MockFrontEnd.vringState(i, q.config.size));
      await this.send(Q.SetVringBase, MockFrontEnd.vringState(i, 0));
      const addr = new Uint8Array(40);
      const av = new DataView(addr.buffer);
      av.setUint32(0, i, true);
      av.setBigUint64(8, USER_BASE + q.config.descAddr - GUEST_BASE, true);
      av.setBigUint64(16, USER_BASE + q.config.usedAddr - GUEST_BASE, true);
      av.setBigUint64(24, USER_BASE + q.config.availAddr - GUEST_BASE, true);
      await this.send(Q.SetVringAddr, addr);
      await this.send(Q.SetVringKick, MockFrontEnd.u64Payload(BigInt(i)), [this.kicks[i]!.fd]);
    }
    for (const i of [0, 1]) {
      const ack = await this.send(Q.SetVringEnable, MockFrontEnd.vringState(i, 1), [], { needReply: true });
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
    const placed = q.add([encodeRequest(command, hdr)], [1056]);
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

  /** Waits until the display socket has seen `count` messages of `request`. */
  async waitForDisplay(request: number, count = 1, timeoutMs = 5000): Promise<FramedMessage[]> {
    const start = Date.now();
    for (;;) {
      const got = this.displayMessages.filter((m) => m.request === request);
      if (got.length >= count) return got;
      if (Date.now() - start > timeoutMs)
        throw new Error(
          `waited for display message ${request} ×${count}; saw ${this.displayMessages.map((m) => m.request).join(",")}`,
        );
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    this.socket.close();
    this.display.close();
    for (const e of [...this.kicks, ...this.calls]) e.close();
    this.mapping.unmap();
  }
}

/** `{u32 offset, u32 size, u32 flags}` + room for the answer. */
export function configRequest(offset: number, size: number): Uint8Array {
  const p = new Uint8Array(12 + size);
  const v = new DataView(p.buffer);
  v.setUint32(0, offset, true);
  v.setUint32(4, size, true);
  return p;
}
