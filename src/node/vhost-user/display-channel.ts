import type { GpuRect } from "../../virtio-gpu/commands.ts";
import type { CursorState, DisplaySink, ScanoutFrame } from "../../virtio-gpu/display-sink.ts";
import { isB8G8R8X8Order, swizzleToB8G8R8X8 } from "../../virtio-gpu/pixel-swizzle.ts";
import type { UnixSocket } from "../os/unix-socket.ts";
import { decodeU64, encodeU64, frameMessage, VhostUserRefusal, writeHeader } from "./codec.ts";
import {
  decodeDisplayInfo,
  encodeCursorPos,
  encodeCursorUpdate,
  encodeScanout,
  type QemuDisplayMode,
  writeUpdateRect,
} from "./display-codec.ts";
import { type FramedMessage, MessageReader } from "./message-reader.ts";
import {
  GPU_DISPLAY_REPLY_FLAG,
  GpuDisplayRequest,
  GpuUpdate,
  MAX_DISPLAY_REPLY,
  VhostUserHeader,
} from "./protocol.ts";

/** No display protocol feature is used: we serve our own EDID and send no dmabufs. */
const DISPLAY_PROTOCOL_FEATURES = 0n;

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
  /** An UPDATE's header and rectangle, sent before pixels that go out as the frame holds them. */
  readonly #updateHead = new Uint8Array(VhostUserHeader.SIZE + GpuUpdate.pixels);
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
      MAX_DISPLAY_REPLY,
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
    const reply = await this.#ask(GpuDisplayRequest.GetProtocolFeatures);
    const offered = decodeU64(reply.payload);
    this.#send(GpuDisplayRequest.SetProtocolFeatures, encodeU64(DISPLAY_PROTOCOL_FEATURES));
    return offered instanceof VhostUserRefusal ? 0n : offered;
  }

  /** QEMU's outputs as GET_DISPLAY_INFO reports them (its `xres`/`yres`, or a window's size), or why not. */
  async displayInfo(): Promise<QemuDisplayMode[] | VhostUserRefusal> {
    return decodeDisplayInfo((await this.#ask(GpuDisplayRequest.GetDisplayInfo)).payload);
  }

  scanoutChanged(scanoutId: number, mode: { width: number; height: number } | undefined): void {
    this.#send(
      GpuDisplayRequest.Scanout,
      encodeScanout({ scanoutId, width: mode?.width ?? 0, height: mode?.height ?? 0 }),
    );
  }

  flush(scanoutId: number, rect: GpuRect, frame: ScanoutFrame): void {
    if (this.#closed) return;
    const row = rect.w * 4;
    const base = VhostUserHeader.SIZE + GpuUpdate.pixels;
    const size = base + row * rect.h;
    this.sent.set(GpuDisplayRequest.Update, (this.sent.get(GpuDisplayRequest.Update) ?? 0) + 1);
    if (rect.x === 0 && rect.w === frame.width && frame.stride === row && isB8G8R8X8Order(frame.format)) {
      // Whole rows already in the protocol's byte order: the header, then the rows straight from the frame, with no
      // copy (what the socket cannot take at once it copies into its queue).
      const head = this.#updateHead;
      const v = new DataView(head.buffer);
      writeHeader(v, GpuDisplayRequest.Update, 0, size - VhostUserHeader.SIZE);
      writeUpdateRect(v, VhostUserHeader.SIZE, { scanoutId, x: rect.x, y: rect.y, width: rect.w, height: rect.h });
      this.#socket.send(head);
      const start = rect.y * frame.stride;
      this.#socket.send(frame.pixels.subarray(start, start + row * rect.h));
      return;
    }
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
    writeHeader(v, GpuDisplayRequest.Update, 0, size - VhostUserHeader.SIZE);
    writeUpdateRect(v, VhostUserHeader.SIZE, { scanoutId, x: rect.x, y: rect.y, width: rect.w, height: rect.h });
    if (rect.x === 0 && rect.w === frame.width && frame.stride === row) {
      const start = rect.y * frame.stride;
      msg.set(frame.pixels.subarray(start, start + row * rect.h), base);
    } else {
      for (let y = 0; y < rect.h; y++) {
        const src = (rect.y + y) * frame.stride + rect.x * 4;
        msg.set(frame.pixels.subarray(src, src + row), base + y * row);
      }
    }
    // UPDATE pixels are x8r8g8b8 (docs/interop/vhost-user-gpu.rst); base is 32, so the words are aligned.
    swizzleToB8G8R8X8(new Uint32Array(msg.buffer, msg.byteOffset + base, rect.w * rect.h), frame.format);
    this.#socket.send(msg, [], !reuse);
  }

  cursorChanged(cursor: CursorState): void {
    const { scanoutId, x, y } = cursor;
    if (cursor.image === undefined) {
      this.#send(GpuDisplayRequest.CursorPosHide, encodeCursorPos({ scanoutId, x, y }));
      return;
    }
    this.#send(
      GpuDisplayRequest.CursorUpdate,
      encodeCursorUpdate({ scanoutId, x, y, hotX: cursor.hotX, hotY: cursor.hotY, image: cursor.image }),
    );
  }

  cursorMoved(scanoutId: number, x: number, y: number): void {
    this.#send(GpuDisplayRequest.CursorPos, encodeCursorPos({ scanoutId, x, y }));
  }

  /** Closes the socket. */
  close(): void {
    this.#closed = true;
    this.#socket.close();
  }
}
