import { CrossDomainComponent } from "../../../src/components/cross-domain/component.ts";
import type { MemoryHost, MemoryPeer } from "../../../src/components/cross-domain/memory-host.ts";
import { MockCrossDomainGuest, type MockGuestLayout } from "../../../src/components/cross-domain/mock-guest.ts";
import { RutabagaBuilder } from "../../../src/rutabaga/builder.ts";
import { RutabagaCapset, RutabagaChannelType, RutabagaComponentType } from "../../../src/rutabaga/constants.ts";
import type { Rutabaga } from "../../../src/rutabaga/rutabaga.ts";

export const WAYLAND_PATH = "/run/test/wayland-0";

/** A Rutabaga with only cross-domain (capset 5) on `host`, a mock guest wired to its fences, and the channel's peer. */
export function crossDomainSetup(
  host: MemoryHost,
  layout: Partial<MockGuestLayout> = {},
  log: string[] = [],
): { rutabaga: Rutabaga; guest: MockCrossDomainGuest; peers: MemoryPeer[] } {
  const peers: MemoryPeer[] = [];
  host.listen(WAYLAND_PATH, (peer) => peers.push(peer));
  let guest: MockCrossDomainGuest | undefined;
  const rutabaga = new RutabagaBuilder(1n << BigInt(RutabagaCapset.CrossDomain), (f) => guest?.fenceCompleted(f))
    .setRutabagaPaths([{ path: WAYLAND_PATH, pathType: RutabagaChannelType.Wayland }])
    .setComponentFactory(
      RutabagaComponentType.CrossDomain,
      (init) => new CrossDomainComponent(init, host, { log: (m) => log.push(m) }),
    )
    .build();
  guest = new MockCrossDomainGuest(rutabaga, layout);
  return { rutabaga, guest, peers };
}

export const text = (s: string) => new TextEncoder().encode(s);
export const str = (b: Uint8Array) => new TextDecoder().decode(b);
