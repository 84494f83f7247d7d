import { encodeReadCreateEvent } from "../../components/cross-domain/guest-encoder.ts";
import { EventFd } from "../os/eventfd.ts";
import { closeFd, dupFd } from "../os/fd.ts";
import type { ProxyContext } from "./proxy-context.ts";
import { NotCarried } from "./proxy-shared.ts";

/** Eventfds the compositor may have given one client, live at once. */
export const MAX_EVENTS_PER_CLIENT = 64;

/**
 * Eventfds the compositor sends, carried one way: the host watches the compositor's eventfd (READ_CREATE_EVENT) and
 * each signal comes back as an 8-byte READ, added to a local eventfd whose copy the client got. The client's own
 * writes to that copy stay there: the host item is read by the host for the other direction, so a WRITE of them
 * would come straight back as a READ (and a proxy reading the local eventfd would take the compositor's signals
 * before the client could).
 */
export class CompositorEvents {
  readonly #context: ProxyContext;
  /** Event items (item id → the local eventfd). */
  readonly #events = new Map<number, EventFd>();

  constructor(context: ProxyContext) {
    this.#context = context;
  }

  /** Event item `itemId` from the compositor: the descriptor for the client (a copy of a new local eventfd). */
  take(itemId: number): number {
    if (this.#events.has(itemId)) throw new NotCarried(`event item ${itemId} given twice`);
    if (this.#events.size >= MAX_EVENTS_PER_CLIENT) {
      throw new NotCarried(`more than ${MAX_EVENTS_PER_CLIENT} eventfds from the compositor`);
    }
    const event = EventFd.create();
    let forClient: number | undefined;
    try {
      forClient = dupFd(event.fd);
      this.#context.submit(encodeReadCreateEvent(itemId));
    } catch (e) {
      if (forClient !== undefined) closeFd(forClient);
      event.close();
      throw e;
    }
    this.#events.set(itemId, event);
    return forClient;
  }

  /** A READ from an item: true when it is one of these events (its value added to the local eventfd). */
  read(itemId: number, data: Uint8Array): boolean {
    const event = this.#events.get(itemId);
    if (event === undefined) return false;
    if (data.length !== 8) throw new NotCarried(`event item ${itemId} read ${data.length} bytes`);
    event.signal(new DataView(data.buffer, data.byteOffset, 8).getBigUint64(0, true));
    return true;
  }

  /** Closes every local eventfd (the client's copies stay with the client). */
  close(): void {
    for (const event of this.#events.values()) event.close();
    this.#events.clear();
  }
}
