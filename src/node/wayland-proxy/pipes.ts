import { encodeWrite } from "../../components/cross-domain/guest-encoder.ts";
import type { CrossDomainWatch } from "../../components/cross-domain/host.ts";
import {
  CROSS_DOMAIN_PIPE_READ_START,
  type CrossDomainIdentifier,
  CrossDomainIdType,
} from "../../components/cross-domain/protocol.ts";
import { createPipeForWriter } from "../cross-domain/pipe.ts";
import { closeFd } from "../os/fd.ts";
import type { ProxyContext } from "./proxy-context.ts";
import { messageOf } from "./proxy-shared.ts";

/** Bytes read from a write pipe per WRITE (a WRITE and its header fit one page). */
const WRITE_CHUNK = 4096 - 24;

/**
 * One session's pipes, both ways. A pipe's write end the client sends (`wl_data_offer.receive` and its kin) becomes
 * a read-pipe item whose READs are written to it; a write end the compositor asks for (`wl_data_source.send`) is a
 * local pipe given to the client, whose bytes go out as WRITEs on the item, its end of stream as a hang-up.
 */
export class ClientPipes {
  readonly #context: ProxyContext;
  /** Read pipes (item id → the client's write end). */
  readonly #readPipes = new Map<number, number>();
  #lastReadPipeId = CROSS_DOMAIN_PIPE_READ_START;
  /** Write pipes (item id → our read end, watched). */
  readonly #writePipes = new Map<number, { fd: number; watch: CrossDomainWatch }>();
  #closed = false;

  constructor(context: ProxyContext) {
    this.#context = context;
  }

  /** True when `fd` is a pipe's write end (one the client sends becomes a read pipe). */
  isWriteEnd(fd: number): boolean {
    return this.#context.shared.pipes.describe({ os: fd, handleType: 0 }).kind === "writePipe";
  }

  /** Takes a write end the client sent: the identifier of the read pipe that stands for it. */
  readPipe(fd: number): CrossDomainIdentifier {
    const id = ++this.#lastReadPipeId;
    this.#readPipes.set(id, fd);
    this.#context.shared.stats.fdsToCompositor++;
    return { id, type: CrossDomainIdType.ReadPipe, size: 0 };
  }

  /** A READ from a read pipe: its bytes go to the client's write end; a hang-up closes it. */
  read(itemId: number, data: Uint8Array, hangUp: boolean): void {
    const fd = this.#readPipes.get(itemId);
    if (fd === undefined) return;
    const shared = this.#context.shared;
    const handle = { os: fd, handleType: 0 };
    if (data.length > 0) {
      shared.pipes.write(handle, data);
      shared.stats.pipeBytesToClient += data.length;
    }
    if (hangUp) {
      this.#readPipes.delete(itemId);
      shared.pipes.close(handle);
    }
  }

  /** The compositor wants bytes written on item `itemId`: the write end of a new pipe, for the client. */
  writePipe(itemId: number): number {
    const [read, write] = createPipeForWriter();
    const shared = this.#context.shared;
    const pipes = shared.pipes;
    const handle = { os: read, handleType: 0 };
    const buf = new Uint8Array(WRITE_CHUNK);
    const watch = pipes.watch(handle, () => {
      if (this.#closed) return;
      try {
        for (;;) {
          const n = pipes.read(handle, buf);
          if (n === undefined) return;
          this.#context.submit(encodeWrite(itemId, buf.subarray(0, n), n === 0));
          shared.stats.pipeBytesToCompositor += n;
          if (n === 0) {
            this.#closeWritePipe(itemId);
            return;
          }
        }
      } catch (e) {
        shared.log(`pipe ${itemId}: ${messageOf(e)}`);
        this.#closeWritePipe(itemId);
      }
    });
    this.#writePipes.set(itemId, { fd: read, watch });
    return write;
  }

  /** Closes every pipe end the session holds. */
  close(): void {
    this.#closed = true;
    for (const fd of this.#readPipes.values()) this.#context.shared.pipes.close({ os: fd, handleType: 0 });
    this.#readPipes.clear();
    for (const id of [...this.#writePipes.keys()]) this.#closeWritePipe(id);
  }

  #closeWritePipe(itemId: number): void {
    const p = this.#writePipes.get(itemId);
    if (p === undefined) return;
    this.#writePipes.delete(itemId);
    p.watch.stop();
    closeFd(p.fd);
  }
}
