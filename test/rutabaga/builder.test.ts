import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type RutabagaComponentType as ComponentType,
  calculateCapsetMask,
  calculateCapsetNames,
  RutabagaBuilder,
  type RutabagaComponent,
  RutabagaComponentBase,
  RutabagaComponentType,
  RutabagaError,
} from "../../src/index.ts";
import { assertCode } from "./helpers.ts";

class FakeComponent extends RutabagaComponentBase {
  readonly componentType: ComponentType;
  destroyed = false;
  constructor(type: ComponentType) {
    super();
    this.componentType = type;
  }
  override getCapsetInfo(capsetId: number) {
    return { version: 1, size: capsetId * 10 };
  }
  override destroy(): void {
    this.destroyed = true;
  }
}

const noop = () => {};

test("capset masks from names follow rutabaga_gfx's cases", () => {
  assert.equal(calculateCapsetMask("cross-domain:gfxstream-vulkan"), 0x28n);
  assert.equal(calculateCapsetMask(":gfxstream-vulkan"), 0x8n);
  assert.equal(calculateCapsetMask("fake"), 0n);
  assert.equal(calculateCapsetMask(""), 0n);
  assert.equal(calculateCapsetMask(":"), 0n);
  assert.equal(calculateCapsetMask(["virgl", "virgl2"]), 0b110n);
  assert.deepEqual(calculateCapsetNames(0b1010n), ["virgl", "gfxstream-vulkan"]);
});

test("2D in legacy mode has no capsets", () => {
  const r = new RutabagaBuilder(0n, noop).setDefaultComponent(RutabagaComponentType.Rutabaga2D).build();
  assert.equal(r.getNumCapsets(), 0);
  assert.equal(r.defaultComponent, RutabagaComponentType.Rutabaga2D);
  assertCode(() => r.getCapsetInfo(0), "InvalidCapset");
  assert.equal(r.getCapset(1, 0).byteLength, 0);
});

test("mask {venus, drm, cross-domain} lists capsets in the order [4, 6, 5]", () => {
  const r = new RutabagaBuilder(calculateCapsetMask("venus:drm:cross-domain"), noop)
    .setComponentFactory(
      RutabagaComponentType.VirglRenderer,
      () => new FakeComponent(RutabagaComponentType.VirglRenderer),
    )
    .setComponentFactory(RutabagaComponentType.CrossDomain, () => new FakeComponent(RutabagaComponentType.CrossDomain))
    .build();
  assert.equal(r.defaultComponent, RutabagaComponentType.VirglRenderer);
  assert.deepEqual(
    [0, 1, 2].map((i) => r.getCapsetInfo(i)),
    [
      { capsetId: 4, version: 1, size: 40 },
      { capsetId: 6, version: 1, size: 60 },
      { capsetId: 5, version: 1, size: 50 },
    ],
  );
  assertCode(() => r.getCapsetInfo(3), "InvalidCapset");
});

test("a mask with virgl (1) alone makes cross-domain the default", () => {
  const r = new RutabagaBuilder(1n << 1n, noop)
    .setComponentFactory(RutabagaComponentType.CrossDomain, () => new FakeComponent(RutabagaComponentType.CrossDomain))
    .build();
  assert.equal(r.defaultComponent, RutabagaComponentType.CrossDomain);
  assert.equal(r.getNumCapsets(), 0);
});

test("a non-zero mask overrides setDefaultComponent", () => {
  const r = new RutabagaBuilder(calculateCapsetMask("virgl2"), noop)
    .setDefaultComponent(RutabagaComponentType.Rutabaga2D)
    .setComponentFactory(
      RutabagaComponentType.VirglRenderer,
      () => new FakeComponent(RutabagaComponentType.VirglRenderer),
    )
    .build();
  assert.equal(r.defaultComponent, RutabagaComponentType.VirglRenderer);
  assert.deepEqual(
    Array.from({ length: r.getNumCapsets() }, (_, i) => r.getCapsetInfo(i).capsetId),
    [2],
  );
});

test("legacy mode lists every capset of the present components", () => {
  const r = new RutabagaBuilder(0n, noop)
    .setDefaultComponent(RutabagaComponentType.VirglRenderer)
    .setComponentFactory(
      RutabagaComponentType.VirglRenderer,
      () => new FakeComponent(RutabagaComponentType.VirglRenderer),
    )
    .setComponentFactory(RutabagaComponentType.CrossDomain, () => new FakeComponent(RutabagaComponentType.CrossDomain))
    .build();
  assert.deepEqual(
    Array.from({ length: r.getNumCapsets() }, (_, i) => r.getCapsetInfo(i).capsetId),
    [1, 2, 4, 6, 5],
  );
});

test("a virgl component that fails to start falls back to 2D with a warning", () => {
  const warnings: string[] = [];
  const r = new RutabagaBuilder(calculateCapsetMask("virgl:virgl2"), noop)
    .setWarningHandler((w) => warnings.push(w))
    .setComponentFactory(RutabagaComponentType.VirglRenderer, () => {
      throw new Error("no EGL display");
    })
    .build();
  assert.equal(r.defaultComponent, RutabagaComponentType.Rutabaga2D);
  assert.equal(r.getNumCapsets(), 0);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /no EGL display/);
});

test("asking for a component with no factory is InvalidRutabagaBuild", () => {
  assertCode(() => new RutabagaBuilder(calculateCapsetMask("virgl2"), noop).build(), "InvalidRutabagaBuild");
  assertCode(() => new RutabagaBuilder(calculateCapsetMask("gfxstream-vulkan"), noop).build(), "InvalidRutabagaBuild");
  assertCode(() => new RutabagaBuilder(calculateCapsetMask("cross-domain"), noop).build(), "InvalidRutabagaBuild");
});

test("a failed build destroys the components it had made", () => {
  let made: FakeComponent | undefined;
  assertCode(
    () =>
      new RutabagaBuilder(calculateCapsetMask("gfxstream-vulkan:cross-domain"), noop)
        .setComponentFactory(RutabagaComponentType.Gfxstream, () => {
          made = new FakeComponent(RutabagaComponentType.Gfxstream);
          return made;
        })
        .setComponentFactory(RutabagaComponentType.CrossDomain, () => {
          throw new RutabagaError("InvalidCrossDomainChannel", "no socket");
        })
        .build(),
    "InvalidCrossDomainChannel",
  );
  assert.equal(made?.destroyed, true);
});

test("mask 0 with no default component: every default-component call is InvalidComponent", () => {
  const r = new RutabagaBuilder(0n, noop).build();
  assert.equal(r.defaultComponent, RutabagaComponentType.NoneSelected);
  assertCode(
    () =>
      r.resourceCreate3d(1, {
        target: 2,
        format: 1,
        bind: 2,
        width: 1,
        height: 1,
        depth: 1,
        arraySize: 1,
        lastLevel: 0,
        nrSamples: 0,
        flags: 0,
      }),
    "InvalidComponent",
  );
  assertCode(() => r.createFence({ flags: 1, fenceId: 1n, ctxId: 0, ringIdx: 0 }), "InvalidComponent");
  assertCode(() => r.resourceFlush(1), "Unsupported");
  r.forceCtx0();
  r.eventPoll();
  assert.equal(r.pollDescriptor(), undefined);
});

test("builder arguments are checked", () => {
  assertCode(() => new RutabagaBuilder(-1n, noop), "CheckedRange");
  assertCode(() => new RutabagaBuilder(0n, noop).setDisplayWidth(-1), "CheckedRange");
  assertCode(() => new RutabagaBuilder(0n, noop).setHostMemoryLimit(Number.NaN), "CheckedRange");
  const component: RutabagaComponent = new FakeComponent(RutabagaComponentType.Rutabaga2D);
  assert.equal(component.getCapsetInfo(1).size, 10);
});
