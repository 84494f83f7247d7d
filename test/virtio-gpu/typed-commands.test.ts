// The in-process driver hands the device typed commands: no request bytes in between unless a trace records them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CrossDomainComponent } from "../../src/components/cross-domain/component.ts";
import { encodeInit, encodePoll } from "../../src/components/cross-domain/guest-encoder.ts";
import { MemoryHost } from "../../src/components/cross-domain/memory-host.ts";
import { RutabagaBuilder } from "../../src/rutabaga/builder.ts";
import { RutabagaBlobFlags, RutabagaBlobMem, RutabagaComponentType } from "../../src/rutabaga/constants.ts";
import type { Rutabaga } from "../../src/rutabaga/rutabaga.ts";
import type { GpuCommand } from "../../src/virtio-gpu/commands.ts";
import { VirtioGpuInProcessDriver } from "../../src/virtio-gpu/driver/index.ts";
import { GpuCommandType } from "../../src/virtio-gpu/index.ts";
import { encodeRequest, type RequestHeader } from "../../src/virtio-gpu/request-encoder.ts";
import type { RequestRecorder } from "../../src/virtio-gpu/trace-capture.ts";

/** A driver over cross-domain on a memory host; each SUBMIT_3D's command array as the library received it. */
function rig(recorder?: RequestRecorder) {
  const host = new MemoryHost();
  host.listen("/wl", () => {});
  const submitted: Uint8Array[] = [];
  const driver = new VirtioGpuInProcessDriver({
    rutabaga: (h) => {
      const rutabaga: Rutabaga = new RutabagaBuilder(1n << 5n, h)
        .setRutabagaPaths([{ path: "/wl", pathType: 1 }])
        .setComponentFactory(RutabagaComponentType.CrossDomain, (init) => new CrossDomainComponent(init, host))
        .build();
      const submit = rutabaga.submitCommand.bind(rutabaga);
      rutabaga.submitCommand = (ctxId, commands, fenceIds) => {
        submitted.push(commands);
        submit(ctxId, commands, fenceIds);
      };
      return rutabaga;
    },
    ...(recorder !== undefined ? { recorder } : {}),
  });
  return { driver, submitted };
}

function session(driver: VirtioGpuInProcessDriver): [GpuCommand, RequestHeader][] {
  const ctx = { ctxId: 1 };
  const sent: [GpuCommand, RequestHeader][] = [];
  const send = (command: GpuCommand, hdr: RequestHeader = ctx) => {
    driver.command(command, hdr);
    sent.push([command, hdr]);
  };
  send({ type: GpuCommandType.CtxCreate, contextInit: 5, debugName: "typed" });
  for (const resourceId of [1, 2]) {
    const pages = driver.allocPage();
    const blob = { blobMem: RutabagaBlobMem.Guest, blobFlags: RutabagaBlobFlags.UseMappable, blobId: 0n, size: 4096n };
    send({ type: GpuCommandType.ResourceCreateBlob, resourceId, ...blob, entries: pages.entries });
    send({ type: GpuCommandType.CtxAttachResource, resourceId });
  }
  send({ type: GpuCommandType.Submit3d, commands: encodeInit(1, 2, 1, 20), numInFences: 0 });
  // A ring index past one byte is cut to it, as the wire's u8 ring_idx would.
  send({ type: GpuCommandType.Submit3d, commands: encodePoll(), numInFences: 0 }, { ctxId: 1, ringIdx: 0x100 });
  return sent;
}

test("a SUBMIT_3D's command bytes reach the library as the driver's own array, not a copy", () => {
  const { driver, submitted } = rig();
  const poll = encodePoll();
  driver.command({ type: GpuCommandType.CtxCreate, contextInit: 5, debugName: "typed" }, { ctxId: 1 });
  driver.command({ type: GpuCommandType.Submit3d, commands: poll, numInFences: 0 }, { ctxId: 1 });
  assert.equal(submitted.length, 1);
  assert.equal(submitted[0], poll);
});

test("with a recorder, each typed command is recorded as exactly the bytes a guest would have written", () => {
  const recorded: Uint8Array[] = [];
  const { driver } = rig({
    memory: () => {},
    request: (_q, bytes) => recorded.push(bytes.slice()),
    displayChanged() {},
  });
  const sent = session(driver);
  assert.equal(recorded.length, sent.length);
  for (const [i, [command, hdr]] of sent.entries()) {
    assert.deepEqual(recorded[i], encodeRequest(command, hdr), `request ${i}`);
  }
});
