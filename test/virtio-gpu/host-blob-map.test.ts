import assert from "node:assert/strict";
import { test } from "node:test";
import { CrossDomainComponent } from "../../src/components/cross-domain/component.ts";
import { encodeGetImageRequirements, encodeInit, encodeSend } from "../../src/components/cross-domain/guest-encoder.ts";
import { fourcc } from "../../src/components/cross-domain/image-layout.ts";
import { MemoryHost, type MemoryPeer } from "../../src/components/cross-domain/memory-host.ts";
import { CrossDomainIdType, decodeImageRequirements } from "../../src/components/cross-domain/protocol.ts";
import { RutabagaBuilder } from "../../src/rutabaga/builder.ts";
import { RutabagaComponentType } from "../../src/rutabaga/constants.ts";
import { GpuCommandType, GpuFlags, GpuResponseType, ViewRegion } from "../../src/virtio-gpu/index.ts";
import { setup } from "./helpers.ts";

function crossDomainDevice(region?: ViewRegion) {
  const host = new MemoryHost();
  const peers: MemoryPeer[] = [];
  host.listen("/wl", (p) => peers.push(p));
  const rig = setup({
    hostVisible: region,
    rutabaga: (h) =>
      new RutabagaBuilder(1n << 5n, h)
        .setRutabagaPaths([{ path: "/wl", pathType: 1 }])
        .setComponentFactory(RutabagaComponentType.CrossDomain, (init) => new CrossDomainComponent(init, host))
        .build(),
  });
  const { driver } = rig;
  const ctx = { ctxId: 1 };
  assert.equal(
    driver.send({ type: GpuCommandType.CtxCreate, contextInit: 5, debugName: "test" }, ctx)?.type,
    GpuResponseType.OkNodata,
  );
  // Rings as a Linux guest makes them: guest blobs with the context set in the header.
  const ring = driver.scatteredPages(4096);
  const ringBlob = {
    type: GpuCommandType.ResourceCreateBlob,
    blobMem: 1,
    blobFlags: 1,
    blobId: 0n,
    size: 4096n,
  } as const;
  assert.equal(driver.send({ ...ringBlob, resourceId: 1, entries: ring }, ctx)?.type, GpuResponseType.OkNodata);
  assert.equal(
    driver.send({ type: GpuCommandType.CtxAttachResource, resourceId: 1 }, ctx)?.type,
    GpuResponseType.OkNodata,
  );
  const submit = (commands: Uint8Array, hdr = {}) =>
    driver.send({ type: GpuCommandType.Submit3d, commands, numInFences: 0 }, { ...ctx, ...hdr });
  assert.equal(submit(encodeInit(1, 1, 1, 20))?.type, GpuResponseType.OkNodata);
  const readRing = () => {
    const out = new Uint8Array(4096);
    let at = 0;
    for (const e of ring) {
      out.set(driver.ram.view(e.addr, e.length), at);
      at += e.length;
    }
    return out;
  };
  const imageBlob = (resourceId: number, width: number) => {
    const fence = { flags: GpuFlags.Fence | GpuFlags.InfoRingIdx, fenceId: BigInt(resourceId), ringIdx: 0 };
    assert.equal(
      submit(encodeGetImageRequirements(width, 4, fourcc("XR24"), 0), fence)?.type,
      GpuResponseType.OkNodata,
    );
    const reqs = decodeImageRequirements(readRing());
    const blobId = BigInt(reqs.blobId);
    const create = {
      type: GpuCommandType.ResourceCreateBlob,
      blobMem: 2,
      blobFlags: 3,
      entries: [],
      blobId,
      size: reqs.size,
    } as const;
    const r = driver.send({ ...create, entries: [], resourceId }, ctx);
    assert.equal(r?.type, GpuResponseType.OkNodata);
    assert.equal(
      driver.send({ type: GpuCommandType.CtxAttachResource, resourceId }, ctx)?.type,
      GpuResponseType.OkNodata,
    );
    return reqs;
  };
  return { ...rig, host, peers, submit, imageBlob };
}

test("RESOURCE_MAP_BLOB places a cross-domain host blob in the host-visible region with its cache type", () => {
  const region = new ViewRegion(1n << 24n);
  const { driver, host, peers, submit, imageBlob } = crossDomainDevice(region);
  const reqs = imageBlob(10, 1024);
  assert.equal(reqs.size, 16384n);
  const mapped = driver.send({ type: GpuCommandType.ResourceMapBlob, resourceId: 10, offset: 8192n }, { ctxId: 1 });
  assert.equal(mapped?.type, GpuResponseType.OkMapInfo);
  assert.equal(mapped?.view.getUint32(24, true), 1, "VIRTIO_GPU_MAP_CACHE_CACHED");
  const view = region.viewAt(8192n)!;
  assert.equal(view.length, 16384);
  view.fill(0x42, 0, 100);
  // What the guest wrote through the region is what the compositor gets.
  assert.equal(
    submit(encodeSend([{ id: 10, type: CrossDomainIdType.VirtgpuBlob, size: 0 }], new Uint8Array(4)))?.type,
    GpuResponseType.OkNodata,
  );
  const [msg] = peers[0]!.take();
  assert.ok(host.map(msg!.fds[0]!, 100).bytes.every((b) => b === 0x42));
  host.close(msg!.fds[0]!);
  // Refusals: mapped twice, overlapping, unaligned, past the region, a guest blob, no such resource.
  imageBlob(11, 16);
  const map = (resourceId: number, offset: bigint) =>
    driver.send({ type: GpuCommandType.ResourceMapBlob, resourceId, offset }, { ctxId: 1 })?.type;
  assert.equal(map(10, 65536n), GpuResponseType.ErrInvalidParameter);
  assert.equal(map(11, 8192n + 12288n), GpuResponseType.ErrInvalidParameter);
  assert.equal(map(11, 100n), GpuResponseType.ErrInvalidParameter);
  assert.equal(map(11, (1n << 24n) - 4096n + 4096n), GpuResponseType.ErrInvalidParameter);
  assert.equal(map(1, 65536n), GpuResponseType.ErrInvalidParameter);
  assert.equal(map(99, 65536n), GpuResponseType.ErrInvalidResourceId);
  assert.equal(map(11, 8192n + 16384n), GpuResponseType.OkMapInfo);
  assert.equal(region.mappedCount, 2);
  // UNMAP, twice; UNREF of a mapped blob unmaps it first.
  const unmap = (resourceId: number) =>
    driver.send({ type: GpuCommandType.ResourceUnmapBlob, resourceId }, { ctxId: 1 })?.type;
  assert.equal(unmap(10), GpuResponseType.OkNodata);
  assert.equal(unmap(10), GpuResponseType.ErrInvalidParameter);
  assert.equal(region.mappedCount, 1);
  assert.equal(
    driver.send({ type: GpuCommandType.ResourceUnref, resourceId: 11 }, { ctxId: 1 })?.type,
    GpuResponseType.OkNodata,
  );
  assert.equal(region.mappedCount, 0);
  assert.equal(map(10, 0n), GpuResponseType.OkMapInfo);
});

test("without a host-visible region RESOURCE_MAP_BLOB is refused and nothing is mapped", () => {
  const { driver, imageBlob } = crossDomainDevice();
  imageBlob(10, 16);
  const r = driver.send({ type: GpuCommandType.ResourceMapBlob, resourceId: 10, offset: 0n }, { ctxId: 1 });
  assert.equal(r?.type, GpuResponseType.ErrUnspec);
});
