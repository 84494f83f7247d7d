import assert from "node:assert/strict";
import { test } from "node:test";
import {
  encodeAssignSocketUuid,
  encodeGetImageRequirements,
  encodeInit,
  encodePoll,
  encodeReadCreateEvent,
  encodeSend,
  encodeSendInto,
  encodeWrite,
} from "../../../src/components/cross-domain/guest-encoder.ts";
import {
  AssignSocketUuid,
  Capabilities,
  CROSS_DOMAIN_MAX_IDENTIFIERS,
  CROSS_DOMAIN_MAX_SEND_RECV_SIZE,
  encodeCapabilities,
  encodeImageRequirements,
  GetImageRequirements,
  Header,
  ImageRequirementsLayout,
  Init,
  ItemIdCmd,
  Poll,
  ReadWrite,
  SendReceive,
  VirtioFsHandle,
} from "../../../src/components/cross-domain/protocol.ts";

// Sizes typed from rutabaga_gfx's cross_domain_protocol.rs (rutabaga.md §5.1–5.2), not computed from our tables.
test("cross-domain structs have rutabaga_gfx's sizes", () => {
  assert.equal(Header.size, 8);
  assert.equal(Init.legacySize, 16);
  assert.equal(Init.v1Size, 20);
  assert.equal(Init.size, 36);
  assert.equal(GetImageRequirements.size, 24);
  assert.equal(Poll.size, 8);
  assert.equal(SendReceive.size, 352);
  assert.equal(ReadWrite.size, 24);
  assert.equal(VirtioFsHandle.size, 32);
  assert.equal(ItemIdCmd.size, 16);
  assert.equal(AssignSocketUuid.size, 32);
  assert.equal(ImageRequirementsLayout.structSize, 64);
  assert.equal(Capabilities.size, 16);
  assert.equal(CROSS_DOMAIN_MAX_IDENTIFIERS, 28);
  assert.equal(CROSS_DOMAIN_MAX_SEND_RECV_SIZE, 3744);
});

test("cross-domain field offsets are rutabaga_gfx's", () => {
  assert.deepEqual([Header.cmd, Header.ringIdx, Header.cmdSize, Header.pad], [0, 1, 2, 4]);
  assert.deepEqual([Init.queryRingId, Init.channelRingId, Init.channelType, Init.internalSocketUuid], [8, 12, 16, 20]);
  assert.equal(Init.legacyChannelType, 12);
  assert.deepEqual([SendReceive.numIdentifiers, SendReceive.opaqueDataSize], [8, 12]);
  assert.deepEqual([SendReceive.identifiers, SendReceive.identifierTypes, SendReceive.identifierSizes], [16, 128, 240]);
  assert.deepEqual([ReadWrite.identifier, ReadWrite.hangUp, ReadWrite.opaqueDataSize], [8, 12, 16]);
  assert.deepEqual([VirtioFsHandle.fsId, VirtioFsHandle.handle, VirtioFsHandle.id], [8, 16, 24]);
  assert.deepEqual([AssignSocketUuid.socketUuid, AssignSocketUuid.id], [8, 24]);
  const L = ImageRequirementsLayout;
  assert.deepEqual(
    [L.strides, L.offsets, L.modifier, L.size, L.blobId, L.mapInfo, L.memoryIdx, L.physicalDeviceIdx],
    [0, 16, 32, 40, 48, 52, 56, 60],
  );
});

test("guest commands encode to the bytes a guest writes", () => {
  assert.deepEqual(
    [...encodeInit(7, 9, 1, 36)],
    [1, 0, 36, 0, 0, 0, 0, 0, 7, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, ...new Array(16).fill(0)],
  );
  assert.deepEqual([...encodeInit(7, 0, 1, 16)], [1, 0, 16, 0, 0, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0]);
  assert.deepEqual([...encodeInit(7, 9, 1, 20)], [1, 0, 20, 0, 0, 0, 0, 0, 7, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0]);
  assert.deepEqual(
    [...encodeGetImageRequirements(640, 480, 0x34325258, 0x11)],
    [2, 0, 24, 0, 0, 0, 0, 0, 0x80, 2, 0, 0, 0xe0, 1, 0, 0, 0x58, 0x52, 0x32, 0x34, 0x11, 0, 0, 0],
  );
  assert.deepEqual([...encodePoll()], [3, 0, 8, 0, 0, 0, 0, 0]);
  const send = encodeSend([{ id: 5, type: 1, size: 4096 }], new Uint8Array([0xaa, 0xbb, 0xcc]));
  assert.equal(send.length, 356);
  assert.deepEqual([...send.subarray(0, 20)], [4, 0, 0x64, 1, 0, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 5, 0, 0, 0]);
  assert.deepEqual([...send.subarray(128, 132)], [1, 0, 0, 0]);
  assert.deepEqual([...send.subarray(240, 244)], [0, 0x10, 0, 0]);
  assert.deepEqual([...send.subarray(352)], [0xaa, 0xbb, 0xcc, 0]);
  assert.deepEqual(
    [...encodeWrite(0x80000001, new Uint8Array([1, 2]), true)],
    [7, 0, 28, 0, 0, 0, 0, 0, 1, 0, 0, 0x80, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0],
  );
  assert.deepEqual([...encodeReadCreateEvent(3)], [11, 0, 16, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0]);
  const uuid = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
  assert.deepEqual(
    [...encodeAssignSocketUuid(uuid, 4).subarray(0, 28)],
    [13, 0, 32, 0, 0, 0, 0, 0, ...uuid, 4, 0, 0, 0],
  );
});

test("image requirements and capabilities encode field by field", () => {
  const bytes = encodeImageRequirements({
    strides: [40, 0, 0, 0],
    offsets: [0, 100, 0, 0],
    modifier: 0x0102030405060708n,
    size: 4096n,
    blobId: 2,
    mapInfo: 1,
    memoryIdx: -1,
    physicalDeviceIdx: -1,
  });
  assert.deepEqual(
    [...bytes],
    [
      40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 7, 6, 5, 4,
      3, 2, 1, 0, 0x10, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    ],
  );
  assert.deepEqual([...encodeCapabilities(0x2, false, false)], [1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

test("encodeSendInto writes exactly encodeSend's bytes into a reused buffer, whatever it held before", () => {
  const out = new Uint8Array(SendReceive.size + 64).fill(0xee);
  const view = new DataView(out.buffer);
  const ids = Array.from({ length: CROSS_DOMAIN_MAX_IDENTIFIERS }, (_, i) => ({ id: i + 1, type: 1, size: 7 }));
  encodeSendInto(out, view, ids, new Uint8Array(40).fill(0x55));
  const data = new Uint8Array([0xaa, 0xbb, 0xcc]);
  const size = encodeSendInto(out, view, [{ id: 5, type: 1, size: 4096 }], data);
  assert.equal(size, 356);
  assert.deepEqual(out.subarray(0, size), encodeSend([{ id: 5, type: 1, size: 4096 }], data));
  assert.throws(() => encodeSendInto(new Uint8Array(SendReceive.size), view, [], data), RangeError);
  assert.throws(() => encodeSendInto(out, view, [...ids, ids[0]!], data), RangeError);
});
