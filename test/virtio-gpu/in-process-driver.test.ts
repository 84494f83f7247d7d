import assert from "node:assert/strict";
import { test } from "node:test";
import { CrossDomainComponent } from "../../src/components/cross-domain/component.ts";
import { decodeChannelRing, encodeInit, encodePoll } from "../../src/components/cross-domain/guest-encoder.ts";
import { MemoryHost, type MemoryPeer } from "../../src/components/cross-domain/memory-host.ts";
import { CrossDomainRing } from "../../src/components/cross-domain/protocol.ts";
import { RutabagaBuilder } from "../../src/rutabaga/builder.ts";
import { RutabagaBlobFlags, RutabagaBlobMem, RutabagaComponentType } from "../../src/rutabaga/constants.ts";
import { GpuDriverError, VirtioGpuInProcessDriver } from "../../src/virtio-gpu/driver/index.ts";
import { GpuCommandType } from "../../src/virtio-gpu/index.ts";

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);
const POLL = { type: GpuCommandType.Submit3d, commands: encodePoll(), numInFences: 0 } as const;

/** A driver over a device with cross-domain on a memory host; context 1 INITed with two rings, its compositor peer. */
function rig() {
  const host = new MemoryHost();
  const peers: MemoryPeer[] = [];
  host.listen("/wl", (p) => peers.push(p));
  const log: string[] = [];
  const driver = new VirtioGpuInProcessDriver({
    rutabaga: (h) =>
      new RutabagaBuilder(1n << 5n, h)
        .setRutabagaPaths([{ path: "/wl", pathType: 1 }])
        .setComponentFactory(RutabagaComponentType.CrossDomain, (init) => new CrossDomainComponent(init, host))
        .build(),
    log: (m) => log.push(m),
  });
  const ctx = { ctxId: 1 };
  driver.command({ type: GpuCommandType.CtxCreate, contextInit: 5, debugName: "test" }, ctx);
  const rings = [1, 2].map((resourceId) => {
    const pages = driver.allocPage();
    const blob = { blobMem: RutabagaBlobMem.Guest, blobFlags: RutabagaBlobFlags.UseMappable, blobId: 0n, size: 4096n };
    driver.command({ type: GpuCommandType.ResourceCreateBlob, resourceId, ...blob, entries: pages.entries }, ctx);
    driver.command({ type: GpuCommandType.CtxAttachResource, resourceId }, ctx);
    return pages;
  });
  driver.command({ type: GpuCommandType.Submit3d, commands: encodeInit(1, 2, 1, 20), numInFences: 0 }, ctx);
  assert.equal(peers.length, 1);
  const received = () => {
    const m = decodeChannelRing(rings[1]!.bytes);
    return "identifiers" in m ? str(m.data) : `cmd ${m.cmd}`;
  };
  return { host, peer: peers[0]!, driver, log, received };
}

test("in-process driver: a ring fence's callback runs as the fence completes, not in a later microtask", () => {
  const { host, peer, driver, received } = rig();
  const got: string[] = [];
  driver.whenFenced(POLL, 1, CrossDomainRing.Channel, () => got.push(received()));
  assert.deepEqual(got, [], "nothing to report yet");
  peer.send(text("hello"));
  host.poll();
  assert.deepEqual(got, ["hello"], "delivered while the host's readiness is handled");
});

test("in-process driver: a fence completed while a command executes is delivered when it returns, and its callback may send commands", () => {
  const { host, peer, driver, received } = rig();
  peer.send(text("one"));
  host.poll();
  peer.send(text("two"));
  const got: string[] = [];
  let depth = 0;
  const onDone = () => {
    depth++;
    got.push(`${received()}@${depth}`);
    // The next message becomes ready first, so re-arming completes its fence inside the command: it is called back
    // after this callback returns, not from within it.
    host.poll();
    if (got.length < 3) driver.whenFenced(POLL, 1, CrossDomainRing.Channel, onDone);
    depth--;
  };
  driver.whenFenced(POLL, 1, CrossDomainRing.Channel, onDone);
  assert.deepEqual(got, ["one@1", "two@1"], "in order, one at a time, never nested");
  peer.send(text("three"));
  host.poll();
  assert.deepEqual(got, ["one@1", "two@1", "three@1"]);
});

test("in-process driver: a refused fenced command throws and never calls back; a throwing callback is logged", async () => {
  const { host, peer, driver, log, received } = rig();
  let called = 0;
  assert.throws(() => driver.whenFenced(POLL, 9, CrossDomainRing.Channel, () => called++), GpuDriverError);
  // A command the context refuses still creates its fence, which completes at once with a message waiting.
  peer.send(text("x"));
  host.poll();
  const bad = { type: GpuCommandType.Submit3d, commands: new Uint8Array(8), numInFences: 0 } as const;
  assert.throws(() => driver.whenFenced(bad, 1, CrossDomainRing.Channel, () => called++), GpuDriverError);
  assert.equal(received(), "x", "the fence did complete");
  driver.whenFenced(POLL, 1, CrossDomainRing.Channel, () => {
    throw new Error("callback failed");
  });
  peer.send(text("a"));
  host.poll();
  assert.equal(called, 0);
  assert.ok(
    log.some((m) => m.includes("callback failed")),
    log.join("\n"),
  );
  // The driver goes on: the promise form still settles.
  const done = driver.fenced(POLL, 1, CrossDomainRing.Channel);
  peer.send(text("b"));
  host.poll();
  await done;
  assert.equal(received(), "b");
});
