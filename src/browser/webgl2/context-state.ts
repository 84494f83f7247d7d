/**
 * Per-guest-context GL state on one shared WebGL2 context: every state call is kept as a slot (a key, how to apply
 * it, how to put the GL default back), so a switch undoes the old context's slots the new one never set and applies
 * the new one's.
 */
export class ContextStateSlots {
  readonly #slots = new Map<string, { apply: () => void; reset: () => void }>();

  /** Records slot `key` and applies it now (the context owning these slots is current). */
  set(key: string, apply: () => void, reset: () => void): void {
    this.#slots.set(key, { apply, reset });
    apply();
  }

  /** Leaves `from`'s state for this one's: `from`'s slots this one lacks go back to GL defaults, then this one's apply. */
  switchFrom(from: ContextStateSlots): void {
    for (const [key, slot] of from.#slots) if (!this.#slots.has(key)) slot.reset();
    for (const slot of this.#slots.values()) slot.apply();
  }

  /** Puts every slot back to its GL default (the context is being destroyed while current). */
  resetAll(): void {
    for (const slot of this.#slots.values()) slot.reset();
    this.#slots.clear();
  }
}
