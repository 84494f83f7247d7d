import assert from "node:assert/strict";
import { test } from "node:test";
import { CrossDomainComponent } from "../../../src/components/cross-domain/component.ts";
import { encodeInit } from "../../../src/components/cross-domain/guest-encoder.ts";
import { fourcc } from "../../../src/components/cross-domain/image-layout.ts";
import { MemoryHost } from "../../../src/components/cross-domain/memory-host.ts";
import { MockCrossDomainGuest } from "../../../src/components/cross-domain/mock-guest.ts";
import { RutabagaBuilder } from "../../../src/rutabaga/builder.ts";
import { RutabagaComponentBase } from "../../../src/rutabaga/component-base.ts";
import { RutabagaComponentType } from "../../../src/rutabaga/constants.ts";
import type { IovecList } from "../../../src/rutabaga/iovec-list.ts";
import { emptyResource } from "../../../src/rutabaga/resource.ts";
import type { ResourceCreateBlob } from "../../../src/rutabaga/types.ts";

/** Makes guest-memory blobs as virglrenderer does; nothing else. */
class StandInVirgl extends RutabagaComponentBase {
  readonly componentType = RutabagaComponentType.VirglRenderer;
  override createBlob(_ctx: number, id: number, c: ResourceCreateBlob, backing: IovecList | undefined) {
    const r = emptyResource(id);
    Object.assign(r, { blob: true, blobMem: c.blobMem, blobFlags: c.blobFlags, size: c.size, backing });
    r.componentMask = 1 << RutabagaComponentType.VirglRenderer;
    return r;
  }
}

test("host blobs: a cross-domain blob beside another default component is released by its maker on unref", () => {
  const host = new MemoryHost();
  host.listen("/wl", () => {});
  let guest: MockCrossDomainGuest | undefined;
  const rutabaga = new RutabagaBuilder((1n << 2n) | (1n << 5n), (f) => guest?.fenceCompleted(f))
    .setRutabagaPaths([{ path: "/wl", pathType: 1 }])
    .setComponentFactory(RutabagaComponentType.VirglRenderer, () => new StandInVirgl())
    .setComponentFactory(RutabagaComponentType.CrossDomain, (init) => new CrossDomainComponent(init, host))
    .build();
  assert.equal(rutabaga.defaultComponent, RutabagaComponentType.VirglRenderer);
  guest = new MockCrossDomainGuest(rutabaga, { queryRingId: 1, channelRingId: 1 });
  rutabaga.createContext(1, 5);
  // A ring made in the cross-domain context itself, as Linux does: the default component keeps its backing.
  rutabaga.resourceCreateBlob(1, 1, { blobMem: 1, blobFlags: 1, blobId: 0n, size: 4096n }, [guest.queryRing]);
  rutabaga.contextAttachResource(1, 1);
  guest.submit(encodeInit(1, 1, 0, 20));
  const reqs = guest.imageRequirements(64, 64, fourcc("AB24"));
  guest.createHostBlob(10, reqs.blobId, reqs.size);
  assert.equal(rutabaga.map(10).length, 16384);
  const before = host.open.size;
  rutabaga.unrefResource(10);
  assert.equal(host.open.size, before - 1);
  assert.equal(rutabaga.hostMemory.used, 0);
});
