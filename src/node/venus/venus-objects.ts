import { RutabagaError } from "../../rutabaga/error.ts";

/** A Vulkan handle type name (`VkDevice`, `VkImage`, ...). */
export type VenusObjectKind = string;

/** One guest object id's host object. */
export interface VenusObject {
  readonly id: number;
  readonly kind: VenusObjectKind;
  readonly handle: bigint;
  readonly parent: number | undefined;
  readonly children: Set<number>;
}

/**
 * A context's guest object ids and the host handles they stand for, with their kinds and parents. A lookup checks the
 * kind, so a handle of one kind never reaches a host call that wants another. Bounded: at most `limit` objects.
 */
export class VenusObjectTable {
  readonly #objects = new Map<number, VenusObject>();
  readonly #limit: number;

  constructor(limit = 1 << 16) {
    this.#limit = limit;
  }

  /** Objects held now. */
  get size(): number {
    return this.#objects.size;
  }

  /** The host handle of `id`, which must be a `kind`; otherwise `RutabagaError("InvalidCommandBuffer")`. */
  handle(id: unknown, kind: VenusObjectKind): bigint {
    return this.get(id, kind).handle;
  }

  /** The object `id`, which must be a `kind`. */
  get(id: unknown, kind: VenusObjectKind): VenusObject {
    const o = typeof id === "number" ? this.#objects.get(id) : undefined;
    if (o === undefined) throw new RutabagaError("InvalidCommandBuffer", `object id ${String(id)} is not a ${kind}`);
    if (o.kind !== kind)
      throw new RutabagaError("InvalidCommandBuffer", `object id ${id} is a ${o.kind}, not a ${kind}`);
    return o;
  }

  /**
   * Records `id` for host object `handle`. The same id again must name the same host object (a guest enumerating
   * physical devices twice); a new id past the limit is refused.
   */
  add(id: unknown, kind: VenusObjectKind, handle: bigint, parent: number | undefined): void {
    if (typeof id !== "number" || id === 0) throw new RutabagaError("InvalidCommandBuffer", `object id ${String(id)}`);
    const old = this.#objects.get(id);
    if (old !== undefined) {
      if (old.kind === kind && old.handle === handle) return;
      throw new RutabagaError("InvalidCommandBuffer", `object id ${id} is already a ${old.kind}`);
    }
    if (this.#objects.size >= this.#limit) throw new RutabagaError("OutOfMemory", `over ${this.#limit} objects`);
    this.#objects.set(id, { id, kind, handle, parent, children: new Set() });
    if (parent !== undefined) this.#objects.get(parent)?.children.add(id);
  }

  /** Forgets `id` and everything under it (children first); returns what was forgotten, deepest first. */
  remove(id: number): VenusObject[] {
    const o = this.#objects.get(id);
    if (o === undefined) return [];
    const out: VenusObject[] = [];
    for (const c of [...o.children]) out.push(...this.remove(c));
    this.#objects.delete(id);
    if (o.parent !== undefined) this.#objects.get(o.parent)?.children.delete(id);
    out.push(o);
    return out;
  }

  /** The object `id` of any kind, if recorded. */
  find(id: number): VenusObject | undefined {
    return this.#objects.get(id);
  }

  /** Every object of `kind`. */
  all(kind: VenusObjectKind): VenusObject[] {
    return [...this.#objects.values()].filter((o) => o.kind === kind);
  }

  /** Objects without a parent (instances). */
  roots(): VenusObject[] {
    return [...this.#objects.values()].filter((o) => o.parent === undefined);
  }

  /** The root (instance) above `id`. */
  root(id: number): VenusObject | undefined {
    let o = this.#objects.get(id);
    while (o !== undefined && o.parent !== undefined) o = this.#objects.get(o.parent);
    return o;
  }

  /** Every object under `id`, deepest first (not `id` itself). */
  descendants(id: number): VenusObject[] {
    const o = this.#objects.get(id);
    if (o === undefined) return [];
    const out: VenusObject[] = [];
    for (const c of o.children) {
      out.push(...this.descendants(c));
      const child = this.#objects.get(c);
      if (child !== undefined) out.push(child);
    }
    return out;
  }
}
