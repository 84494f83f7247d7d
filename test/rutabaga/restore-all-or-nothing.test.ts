import assert from "node:assert/strict";
import { test } from "node:test";
import {
  calculateCapsetMask,
  RutabagaBuilder,
  RutabagaComponentBase,
  RutabagaComponentType,
  type RutabagaContext,
  RutabagaError,
  type RutabagaFence,
  type RutabagaHandle,
  type RutabagaResource,
} from "../../src/index.ts";
import { assertCode } from "./helpers.ts";

/** A context whose saved state is one byte; a saved 0xee cannot be restored. */
class StateContext implements RutabagaContext {
  readonly componentType: RutabagaComponentType;
  readonly state: number;
  destroyed = false;
  constructor(type: RutabagaComponentType, state: number) {
    this.componentType = type;
    this.state = state;
  }
  submitCmd(): void {}
  attach(_r: RutabagaResource): void {}
  detach(_r: RutabagaResource): void {}
  contextCreateFence(_f: RutabagaFence): RutabagaHandle | undefined {
    return undefined;
  }
  contextCreateBlob(): RutabagaResource {
    throw new RutabagaError("Unsupported", "blobs");
  }
  snapshot(): Uint8Array {
    return Uint8Array.of(this.state);
  }
  destroy(): void {
    this.destroyed = true;
  }
}

/** A component with state of its own (one byte): a saved 0xff cannot be restored; it remembers its contexts. */
class StatefulComponent extends RutabagaComponentBase {
  readonly componentType: RutabagaComponentType;
  state = 0;
  restores = 0;
  readonly contexts: StateContext[] = [];
  constructor(type: RutabagaComponentType) {
    super();
    this.componentType = type;
  }
  override createContext(_ctxId: number, contextInit: number): RutabagaContext {
    const ctx = new StateContext(this.componentType, contextInit >>> 8);
    this.contexts.push(ctx);
    return ctx;
  }
  override snapshot(): Uint8Array {
    return Uint8Array.of(this.state);
  }
  override restore(bytes: Uint8Array): void {
    if (bytes[0] === 0xff) throw new RutabagaError("SnapshotError", "component state 0xff");
    this.state = bytes[0]!;
    this.restores++;
  }
  override restoreContext(_ctxId: number, bytes: Uint8Array): RutabagaContext {
    if (bytes[0] === 0xee) throw new RutabagaError("SnapshotError", "context state 0xee");
    const ctx = new StateContext(this.componentType, bytes[0]!);
    this.contexts.push(ctx);
    return ctx;
  }
}

function build() {
  const made = new Map<RutabagaComponentType, StatefulComponent>();
  const factory = (type: RutabagaComponentType) => () => {
    const c = new StatefulComponent(type);
    made.set(type, c);
    return c;
  };
  const rutabaga = new RutabagaBuilder(calculateCapsetMask("virgl:virgl2:cross-domain"), () => {})
    .setComponentFactory(RutabagaComponentType.VirglRenderer, factory(RutabagaComponentType.VirglRenderer))
    .setComponentFactory(RutabagaComponentType.CrossDomain, factory(RutabagaComponentType.CrossDomain))
    .build();
  return {
    rutabaga,
    main: made.get(RutabagaComponentType.VirglRenderer)!,
    crossDomain: made.get(RutabagaComponentType.CrossDomain)!,
  };
}

/** A snapshot with a cross-domain context (state `ctxState`) and the default component's state `componentState`. */
function snapshotWith(ctxState: number, componentState: number, secondCtxState?: number): Uint8Array {
  const { rutabaga, main } = build();
  rutabaga.createContext(7, (ctxState << 8) | 5);
  if (secondCtxState !== undefined) rutabaga.createContext(8, (secondCtxState << 8) | 5);
  main.state = componentState;
  return rutabaga.snapshot();
}

test("a component whose restore fails after a context restored leaves every component and context as it was", () => {
  const { rutabaga, main, crossDomain } = build();
  rutabaga.createContext(3, (0x11 << 8) | 5);
  main.state = 0x22;
  const before = rutabaga.snapshot();
  const bad = snapshotWith(0x33, 0xff);
  assertCode(() => rutabaga.restore(bad), "SnapshotError");
  // The cross-domain context rebuilt from the snapshot was torn down; the live one is untouched.
  const [live, rebuilt] = crossDomain.contexts;
  assert.equal(live?.destroyed, false);
  assert.equal(rebuilt?.state, 0x33);
  assert.equal(rebuilt?.destroyed, true);
  assert.equal(main.state, 0x22);
  assert.equal(main.restores, 0);
  assert.deepEqual(rutabaga.snapshot(), before);
  rutabaga.submitCommand(3, new Uint8Array(4));
});

test("a context that fails to restore after another succeeded leaves the component state unrestored", () => {
  const { rutabaga, main, crossDomain } = build();
  main.state = 0x44;
  const before = rutabaga.snapshot();
  assertCode(() => rutabaga.restore(snapshotWith(0x55, 0x66, 0xee)), "SnapshotError");
  assert.equal(main.restores, 0, "the component is restored only after every context");
  assert.equal(main.state, 0x44);
  assert.deepEqual(
    crossDomain.contexts.map((c) => [c.state, c.destroyed]),
    [[0x55, true]],
  );
  assert.deepEqual(rutabaga.snapshot(), before);
  rutabaga.restore(snapshotWith(0x55, 0x66));
  assert.equal(main.state, 0x66);
  assert.equal(main.restores, 1);
});
