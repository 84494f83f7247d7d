import type { GpuRect } from "../../virtio-gpu/commands.ts";
import type { CursorState, DisplaySink, ScanoutFrame } from "../../virtio-gpu/display-sink.ts";
import { swizzleToB8G8R8X8 } from "../../virtio-gpu/pixel-swizzle.ts";
import { CURSOR_SIZE, GpuWireSize } from "../../virtio-gpu/protocol.ts";
import type { UnixSocket } from "../os/unix-socket.ts";
import { type FramedMessage, frameMessage, MessageReader } from "./message-reader.ts";
import {
  GpuDisplayRequest as D,
  GPU_CURSOR_UPDATE_HEADER_SIZE,
  GPU_DISPLAY_REPLY_FLAG,
  GPU_UPDATE_HEADER_SIZE,
  VHOST_USER_HEADER_SIZE,
} from "./protocol.ts";

/** A display mode QEMU reported for one of its outputs. */
export interface QemuDisplayMode {
  width: number;
  height: number;
  enabled: boolean;
}

/**
 * The vhost-user-gpu display protocol to QEMU over the GPU_SET_SOCKET socket, as a {@link DisplaySink}: scanout
 * changes become SCANOUT, flushes UPDATE with the rectangle's pixels (rows of `w * 4` bytes), cursor changes
 * CURSOR_UPDATE / CURSOR_POS / CURSOR_POS_HIDE. QEMU's replies are matched to requests in order.
 */
export class DisplayChannel implements DisplaySink {
  readonly #socket: UnixSocket;
  readonly #pending: ((m: FramedMessage) => void)[] = [];
  #update = new Uint8Array(0);
  #message = new Uint8Array(0);
  #closed = false;
  readonly #log: (m: string) => void;
  /** Messages sent, by request id. */
  readonly sent = new Map<number, number>();

  constructor(socket: UnixSocket, log: (m: string) => void = () => {}) {
    this.#socket = socket;
    this.#log = log;
    // Room for a few full 4 MB frames in the kernel, so UPDATEs rarely wait in our queue.
    socket.setSendBuffer(16 * 1024 * 1024);
    new MessageReader(
      socket,
      64 * 1024,
      (m) => {
        if ((m.flags & GPU_DISPLAY_REPLY_FLAG) === 0) {
          this.#log(`display socket: unexpected request ${m.request} from QEMU, ignored`);
          return;
        }
        this.#pending.shift()?.(m);
      },
      (why) => {
        this.#closed = true;
        if (why.kind !== "eof") this.#log(`display socket closed: ${why.kind}`);
        socket.close();
      },
    );
    socket.onClose(() => {
      this.#closed = true;
    });
  }

  /** True once QEMU closed the socket (or it broke). */
  get closed(): boolean {
    return this.#closed;
  }

  #send(request: number, payload?: Uint8Array): void {
    if (this.#closed) return;
    this.sent.set(request, (this.sent.get(request) ?? 0) + 1);
    this.#socket.send(frameMessage(request, 0, payload));
  }

  #ask(request: number, payload?: Uint8Array): Promise<FramedMessage> {
    return new Promise((resolve, reject) => {
      if (this.#closed) return reject(new Error("display socket is closed"));
      this.#pending.push(resolve);
      this.#send(request, payload);
    });
  }

  /** GET_PROTOCOL_FEATURES then SET_PROTOCOL_FEATURES with none of them (we serve our own EDID, no dmabufs). */
  async negotiate(): Promise<bigint> {
    const reply = await this.#ask(D.GetProtocolFeatures);
    const offered = reply.payload.length >= 8 ? new DataView(reply.payload.buffer).getBigUint64(0, true) : 0n;
    this.#send(D.SetProtocolFeatures, new Uint8Array(8));
    return offered;
  }

  /** QEMU's outputs as GET_DISPLAY_INFO reports them (its `xres`/`yres`, or a window's size). */
  async displayInfo(): Promise<QemuDisplayMode[]> {
    const reply = await this.#ask(D.GetDisplayInfo);
    const p = reply.payload;
    if (p.length < GpuWireSize.RespDisplayInfo) throw new Error(`display info of ${p.length} bytes`);
    const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
    const modes: QemuDisplayMode[] = [];
    for (let i = 0; i < 16; i++) {
      const at = GpuWireSize.CtrlHdr + i * GpuWireSize.DisplayOne;
      modes.push({
        width: v.getUint32(at + 8, true),
        height: v.getUint32(at + 12, true),
        enabled: v.getUint32(at + 16, true) !== 0,
      });
    }
    return modes;
  }

  scanoutChanged(scanoutId: number, mode: { width: number; height: number } | undefined): void {
    const p = new Uint8Array(12);
    const v = new DataView(p.buffer);
    v.setUint32(0, scanoutId, true);
    v.setUint32(4, mode?.width ?? 0, true);
    v.setUint32(8, mode?.height ?? 0, true);
    this.#send(D.Scanout, p);
  }

  flush(scanoutId: number, rect: GpuRect, frame: ScanoutFrame): void {
    if (this.#closed) return;
    const row = rect.width * 4;
    const size = VHOST_USER_HEADER_SIZE + GPU_UPDATE_HEADER_SIZE + row * rect.height;
    // Reuse one buffer while the socket keeps up; when bytes are still queued, hand a fresh one over instead.
    const reuse = this.#socket.queuedBytes === 0;
    if (!reuse || this.#update.length < size) {
      const fresh = new Uint8Array(size);
      if (reuse) this.#update = fresh;
      this.#message = fresh;
    } else {
      this.#message = this.#update;
    }
    const msg = this.#message.subarray(0, size);
    const v = new DataView(msg.buffer, msg.byteOffset, size);
    v.setUint32(0, D.Update, true);
    v.setUint32(4, 0, true);
    v.setUint32(8, size - VHOST_USER_HEADER_SIZE, true);
    v.setUint32(12, scanoutId, true);
    v.setUint32(16, rect.x, true);
    v.setUint32(20, rect.y, true);
    v.setUint32(24, rect.width, true);
    v.setUint32(28, rect.height, true);
    const base = VHOST_USER_HEADER_SIZE + GPU_UPDATE_HEADER_SIZE;
    if (rect.x === 0 && rect.width === frame.width && frame.stride === row) {
      const start = rect.y * frame.stride;
      msg.set(frame.pixels.subarray(start, start + row * rect.height), base);
    } else {
      for (let y = 0; y < rect.height; y++) {
        const src = (rect.y + y) * frame.stride + rect.x * 4;
        msg.set(frame.pixels.subarray(src, src + row), base + y * row);
      }
    }
    // UPDATE pixels are x8r8g8b8 (docs/interop/vhost-user-gpu.rst); base is 32, so the words are aligned.
    swizzleToB8G8R8X8(new Uint32Array(msg.buffer, msg.byteOffset + base, rect.width * rect.height), frame.format);
    this.sent.set(D.Update, (this.sent.get(D.Update) ?? 0) + 1);
    this.#socket.send(msg, [], !reuse);
  }

  cursorChanged(cursor: CursorState): void {
    if (cursor.image === undefined) {
      this.#send(D.CursorPosHide, position(cursor.scanoutId, cursor.x, cursor.y));
      return;
    }
    const p = new Uint8Array(GPU_CURSOR_UPDATE_HEADER_SIZE + CURSOR_SIZE * CURSOR_SIZE * 4);
    p.set(position(cursor.scanoutId, cursor.x, cursor.y), 0);
    const v = new DataView(p.buffer);
    v.setUint32(12, cursor.hotX, true);
    v.setUint32(16, cursor.hotY, true);
    p.set(cursor.image, GPU_CURSOR_UPDATE_HEADER_SIZE);
    this.#send(D.CursorUpdate, p);
  }

  cursorMoved(scanoutId: number, x: number, y: number): void {
    this.#send(D.CursorPos, position(scanoutId, x, y));
  }

  /** Closes the socket. */
  close(): void {
    this.#closed = true;
    this.#socket.close();
  }
}

function position(scanoutId: number, x: number, y: number): Uint8Array {
  const p = new Uint8Array(12);
  const v = new DataView(p.buffer);
  v.setUint32(0, scanoutId, true);
  v.setUint32(4, x, true);
  v.setUint32(8, y, true);
  return p;
}
