import assert from "node:assert/strict";
import { test } from "node:test";
import {
  calculateCapsetMask,
  emptyResource,
  type IovecList,
  type ResourceCreateBlob,
  RutabagaBlobFlags,
  RutabagaBuilder,
  RutabagaComponentBase,
  RutabagaComponentType,
  type RutabagaContext,
  RutabagaError,
  type RutabagaFence,
  RutabagaFenceFlags,
  type RutabagaHandle,
  type RutabagaResource,
} from "../../src/index.ts";
import { assertCode } from "./helpers.ts";

type Log = string[];

class FakeContext implements RutabagaContext {
  readonly componentType: RutabagaComponentType;
  readonly #log: Log;
  readonly #id: number;
  readonly #fences: (f: RutabagaFence) => void;
  constructor(type: RutabagaComponentType, id: number, log: Log, fences: (f: RutabagaFence) => void) {
    this.componentType = type;
    this.#id = id;
    this.#log = log;
    this.#fences = fences;
  }
  submitCmd(commands: Uint8Array, fenceIds: readonly bigint[]): void {
    if (commands.byteLength % 4 !== 0) throw new RutabagaError("InvalidCommandSize", `${commands.byteLength}`);
    this.#log.push(`submit ${this.#id} ${commands.byteLength} [${fenceIds.join(",")}]`);
  }
  attach(resource: RutabagaResource): void {
    this.#log.push(`attach ${this.#id} ${resource.resourceId}`);
  }
  detach(resource: RutabagaResource): void {
    this.#log.push(`detach ${this.#id} ${resource.resourceId}`);
  }
  contextCreateFence(fence: RutabagaFence): RutabagaHandle | undefined {
    this.#fences(fence);
    return undefined;
  }
  contextCreateBlob(
    resourceId: number,
    create: ResourceCreateBlob,
    _handle: RutabagaHandle | undefined,
  ): RutabagaResource {
    const r = emptyResource(resourceId);
    r.blob = true;
    r.blobMem = create.blobMem;
    r.blobFlags = create.blobFlags;
    r.size = create.size;
    r.componentMask = 1 << this.componentType;
    r.handle = { os: `ctx-blob-${resourceId}`, handleType: 4 };
    r.mapInfo = 0x31;
    this.#log.push(`ctx-blob ${this.#id} ${resourceId}`);
    return r;
  }
  snapshot(): Uint8Array {
    if (this.componentType !== RutabagaComponentType.VirglRenderer)
      throw new RutabagaError("Unsupported", "no snapshot");
    return Uint8Array.of(this.#id);
  }
  destroy(): void {
    this.#log.push(`destroy ${this.#id}`);
  }
}

class FakeComponent extends RutabagaComponentBase {
  readonly componentType: RutabagaComponentType;
  readonly log: Log;
  readonly #fences: (f: RutabagaFence) => void;
  constructor(type: RutabagaComponentType, log: Log, fences: (f: RutabagaFence) => void) {
    super();
    this.componentType = type;
    this.log = log;
    this.#fences = fences;
  }
  override createFence(fence: RutabagaFence): void {
    this.#fences(fence);
  }
  override createBlob(
    _ctxId: number,
    resourceId: number,
    create: ResourceCreateBlob,
    backing: IovecList | undefined,
    _handle: RutabagaHandle | undefined,
  ): RutabagaResource {
    if (create.size > 1024n) throw new RutabagaError("OutOfMemory", "too big");
    const r = emptyResource(resourceId);
    r.blob = true;
    r.blobFlags = create.blobFlags;
    r.blobMem = create.blobMem;
    r.backing = backing;
    r.size = create.size;
    r.componentMask = 1 << this.componentType;
    r.handle = { os: `fd-${resourceId}`, handleType: 4 };
    r.mapInfo = 0x31;
    this.log.push(`blob ${resourceId}`);
    return r;
  }
  override map(resource: RutabagaResource): Uint8Array {
    this.log.push(`map ${resource.resourceId}`);
    return new Uint8Array(Number(resource.size));
  }
  override unmap(resource: RutabagaResource): void {
    this.log.push(`unmap ${resource.resourceId}`);
  }
  override createContext(ctxId: number, contextInit: number, name: string | undefined): RutabagaContext {
    if (name === "fail") throw new RutabagaError("InvalidContextId", "refused");
    this.log.push(`create ${ctxId} ${contextInit} ${name ?? "-"}`);
    return new FakeContext(this.componentType, ctxId, this.log, this.#fences);
  }
  override snapshot(): Uint8Array {
    return new Uint8Array(0);
  }
  override restore(_bytes: Uint8Array): void {}
  override restoreContext(ctxId: number, _bytes: Uint8Array): RutabagaContext {
    if (ctxId === 66) throw new RutabagaError("SnapshotError", "cannot restore 66");
    this.log.push(`restore-ctx ${ctxId}`);
    return new FakeContext(this.componentType, ctxId, this.log, this.#fences);
  }
}

function build() {
  const log: Log = [];
  const fences: RutabagaFence[] = [];
  const handler = (f: RutabagaFence) => fences.push(f);
  const rutabaga = new RutabagaBuilder(calculateCapsetMask("virgl:virgl2:cross-domain"), handler)
    .setComponentFactory(
      RutabagaComponentType.VirglRenderer,
      (init) => new FakeComponent(RutabagaComponentType.VirglRenderer, log, init.fenceHandler),
    )
    .setComponentFactory(
      RutabagaComponentType.CrossDomain,
      (init) => new FakeComponent(RutabagaComponentType.CrossDomain, log, init.fenceHandler),
    )
    .build();
  return { rutabaga, log, fences };
}

const blob = (flags: number, size = 64n): ResourceCreateBlob => ({ blobMem: 2, blobFlags: flags, blobId: 1n, size });

test("contexts go to the component owning capset context_init & 0xff; unknown capsets to the default", () => {
  const { rutabaga, log } = build();
  rutabaga.createContext(1, 0x0102, "a");
  rutabaga.createContext(2, 5);
  rutabaga.createContext(3, 0x99);
  assertCode(() => rutabaga.createContext(1, 2), "InvalidContextId");
  assertCode(() => rutabaga.createContext(4, 2, "fail"), "InvalidContextId");
  assert.deepEqual(log, ["create 1 258 a", "create 2 5 -", "create 3 153 -"]);
  assertCode(() => rutabaga.submitCommand(1, new Uint8Array(3)), "InvalidCommandSize");
  rutabaga.submitCommand(1, new Uint8Array(8), [7n]);
  rutabaga.destroyContext(1);
  assertCode(() => rutabaga.destroyContext(1), "InvalidContextId");
  assert.deepEqual(log.slice(3), ["submit 1 8 [7]", "destroy 1"]);
});

test("ring fences go to their context; global fences to the default component", () => {
  const { rutabaga, fences } = build();
  rutabaga.createContext(1, 2);
  rutabaga.createFence({
    flags: RutabagaFenceFlags.Fence | RutabagaFenceFlags.InfoRingIdx,
    fenceId: 9n,
    ctxId: 1,
    ringIdx: 3,
  });
  rutabaga.createFence({ flags: RutabagaFenceFlags.Fence, fenceId: 10n, ctxId: 0, ringIdx: 0 });
  assert.deepEqual(
    fences.map((f) => [f.fenceId, f.ringIdx]),
    [
      [9n, 3],
      [10n, 0],
    ],
  );
  assertCode(() => rutabaga.createFence({ flags: 2, fenceId: 1n, ctxId: 1, ringIdx: 256 }), "CheckedRange");
});

test("blob creation: cross-domain contexts make their own, others the default component; a failure inserts nothing", () => {
  const { rutabaga, log } = build();
  rutabaga.createContext(1, 2);
  rutabaga.createContext(2, 5);
  rutabaga.resourceCreateBlob(1, 10, blob(1));
  rutabaga.resourceCreateBlob(2, 11, blob(1));
  rutabaga.resourceCreateBlob(0, 12, blob(1), [new Uint8Array(64)]);
  assertCode(() => rutabaga.resourceCreateBlob(0, 13, blob(1, 4096n)), "OutOfMemory");
  assert.deepEqual(rutabaga.resourceIds(), [10, 11, 12]);
  assert.deepEqual(log.slice(2), ["blob 10", "ctx-blob 2 11", "blob 12"]);
  assert.equal(rutabaga.resourceInfo(12).backingLength, 64);
});

test("map and unmap dispatch by the resource's component mask", () => {
  const { rutabaga, log } = build();
  rutabaga.createContext(2, 5);
  rutabaga.resourceCreateBlob(0, 10, blob(1));
  rutabaga.resourceCreateBlob(2, 11, blob(1));
  assert.equal(rutabaga.map(10).byteLength, 64);
  rutabaga.unmap(11);
  assert.deepEqual(log.slice(-2), ["map 10", "unmap 11"]);
  assert.equal(rutabaga.mapInfo(10), 0x31);
});

test("exportBlob: shareable blobs keep their handle, others hand it over once", () => {
  const { rutabaga } = build();
  rutabaga.resourceCreateBlob(0, 10, blob(RutabagaBlobFlags.UseShareable));
  rutabaga.resourceCreateBlob(0, 11, blob(1));
  assert.equal(rutabaga.exportBlob(10).os, "fd-10");
  assert.equal(rutabaga.exportBlob(10).os, "fd-10");
  assert.equal(rutabaga.exportBlob(11).os, "fd-11");
  assertCode(() => rutabaga.exportBlob(11), "BadHandle");
});

test("attach and detach reach the context with the resource; context checked before resource", () => {
  const { rutabaga, log } = build();
  rutabaga.createContext(1, 2);
  rutabaga.resourceCreateBlob(0, 10, blob(1));
  rutabaga.contextAttachResource(1, 10);
  rutabaga.contextDetachResource(1, 10);
  assertCode(() => rutabaga.contextAttachResource(9, 77), "InvalidContextId");
  assertCode(() => rutabaga.contextAttachResource(1, 77), "InvalidResourceId");
  assert.deepEqual(log.slice(-2), ["attach 1 10", "detach 1 10"]);
});

test("snapshot fails as a whole when a context cannot be saved; restore rebuilds contexts or changes nothing", () => {
  const { rutabaga, log } = build();
  rutabaga.createContext(1, 2);
  rutabaga.createContext(66, 2);
  rutabaga.resourceCreateBlob(0, 10, blob(1));
  const withBadCtx = rutabaga.snapshot();
  rutabaga.destroyContext(66);
  const good = rutabaga.snapshot();
  rutabaga.createContext(2, 5);
  assertCode(() => rutabaga.snapshot(), "Unsupported");

  const other = build();
  other.rutabaga.createContext(3, 2);
  assertCode(() => other.rutabaga.restore(withBadCtx), "SnapshotError");
  other.rutabaga.submitCommand(3, new Uint8Array(4));
  other.rutabaga.restore(good);
  assertCode(() => other.rutabaga.submitCommand(3, new Uint8Array(4)), "InvalidContextId");
  other.rutabaga.submitCommand(1, new Uint8Array(4));
  assert.deepEqual(other.rutabaga.resourceIds(), [10]);
  assert.ok(other.log.includes("restore-ctx 1"));
  assert.ok(other.log.includes("destroy 3"));
  assert.ok(log.includes("destroy 66"));
});
