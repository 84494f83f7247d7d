import { RutabagaError } from "../../rutabaga/error.ts";
import type { RutabagaHandle } from "../../rutabaga/types.ts";
import type { CrossDomainWatch } from "./host.ts";
import type { ImageLayout } from "./image-layout.ts";
import { CROSS_DOMAIN_PIPE_READ_START } from "./protocol.ts";

/** One thing a guest refers to by item id. */
export type CrossDomainItem =
  | { kind: "image"; layout: ImageLayout }
  | { kind: "blob"; handle: RutabagaHandle; size: number; access: number }
  | { kind: "readPipe"; handle: RutabagaHandle; watch: CrossDomainWatch | undefined }
  | { kind: "writePipe"; handle: RutabagaHandle }
  | { kind: "event"; handle: RutabagaHandle; watch: CrossDomainWatch | undefined }
  | { kind: "socket"; handle: RutabagaHandle };

/** Most live items holding host objects in one context; a RECEIVE that would pass it ends the channel. */
export const MAX_CROSS_DOMAIN_ITEMS = 1024;
/** Image-requirement items kept per context; the oldest is forgotten past this (guests use them right away). */
export const MAX_IMAGE_REQUIREMENT_ITEMS = 256;
/** Descriptor ids stay below the atomic-sentinel range. */
const LAST_DESCRIPTOR_ID = 0x3fff_ffff;
const LAST_READ_PIPE_ID = 0xffff_fffe;

/**
 * The item table, numbered as rutabaga_gfx numbers it: read pipes from 0x80000001 up, everything else from 2 up.
 * Items are plain keys here; readiness never shares their number space (rutabaga_gfx's wait tokens 1–3 did).
 */
export class CrossDomainItems {
  readonly #items = new Map<number, CrossDomainItem>();
  readonly #images: number[] = [];
  #descriptorId = 1;
  #readPipeId = CROSS_DOMAIN_PIPE_READ_START;
  #live = 0;

  get(id: number): CrossDomainItem | undefined {
    return this.#items.get(id);
  }

  /** The id the next read pipe will get (a SEND predicts it). */
  get nextReadPipeId(): number {
    return this.#readPipeId + 1;
  }

  /** Items holding host objects. */
  get liveCount(): number {
    return this.#live;
  }

  /** Throws unless `count` more host-object items fit. */
  checkRoom(count: number): void {
    if (this.#live + count > MAX_CROSS_DOMAIN_ITEMS) {
      throw new RutabagaError("OutOfMemory", `more than ${MAX_CROSS_DOMAIN_ITEMS} cross-domain items`);
    }
    if (this.#descriptorId + count > LAST_DESCRIPTOR_ID) {
      throw new RutabagaError("InvalidCrossDomainItemId", "descriptor item ids exhausted");
    }
  }

  /** Adds an item; returns its id and, for an image past the cap, the forgotten oldest one's id. */
  add(item: CrossDomainItem): number {
    if (item.kind === "readPipe") {
      if (this.#readPipeId >= LAST_READ_PIPE_ID)
        throw new RutabagaError("InvalidCrossDomainItemId", "pipe ids exhausted");
      if (this.#live >= MAX_CROSS_DOMAIN_ITEMS) {
        throw new RutabagaError("OutOfMemory", `more than ${MAX_CROSS_DOMAIN_ITEMS} cross-domain items`);
      }
      this.#readPipeId++;
      this.#items.set(this.#readPipeId, item);
      this.#live++;
      return this.#readPipeId;
    }
    if (item.kind !== "image") this.checkRoom(1);
    else if (this.#descriptorId >= LAST_DESCRIPTOR_ID) {
      throw new RutabagaError("InvalidCrossDomainItemId", "descriptor item ids exhausted");
    }
    const id = ++this.#descriptorId;
    this.#items.set(id, item);
    if (item.kind === "image") {
      this.#images.push(id);
      if (this.#images.length > MAX_IMAGE_REQUIREMENT_ITEMS) this.#items.delete(this.#images.shift()!);
    } else {
      this.#live++;
    }
    return id;
  }

  /** Removes an item (the caller closes what it holds). */
  remove(id: number): CrossDomainItem | undefined {
    const item = this.#items.get(id);
    if (item === undefined) return undefined;
    this.#items.delete(id);
    if (item.kind === "image") this.#images.splice(this.#images.indexOf(id), 1);
    else this.#live--;
    return item;
  }

  /** Every item, for teardown; the table is empty afterwards. */
  drain(): CrossDomainItem[] {
    const all = [...this.#items.values()];
    this.#items.clear();
    this.#images.length = 0;
    this.#live = 0;
    return all;
  }
}
