// Golden tests against what QEMU 10.0.2 really sent our backend while a Linux 6.1 guest booted and powered off
// (test/fixtures/vhost-user/, recorded from the e2e test in test/e2e/qemu/). Sizes below are typed from QEMU's
// hw/virtio/vhost-user.c, Linux's include/uapi/linux/vhost_types.h and QEMU's docs/interop/vhost-user.rst.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { EventFd } from "../../../src/node/os/eventfd.ts";
import { closeFd } from "../../../src/node/os/fd.ts";
import { createMemfd } from "../../../src/node/os/memfd.ts";
import { UnixSocket } from "../../../src/node/os/unix-socket.ts";
import { VhostUserGpuBackend } from "../../../src/node/vhost-user/backend.ts";
import {
  decodeConfig,
  decodeSingleMemRegion,
  decodeU64,
  decodeVringAddr,
  decodeVringFd,
  decodeVringState,
  encodeConfig,
  encodeSingleMemRegion,
  encodeU64,
  encodeVringAddr,
  encodeVringFd,
  encodeVringState,
  readHeader,
  VhostUserRefusal,
} from "../../../src/node/vhost-user/codec.ts";
import { type FramedMessage, MessageReader } from "../../../src/node/vhost-user/message-reader.ts";
import { GpuDisplayRequest, VhostUserRequest } from "../../../src/node/vhost-user/protocol.ts";

const fixture = (name: string) => new URL(`../../fixtures/vhost-user/${name}`, import.meta.url);

/** `VHOST_USER_HDR_SIZE`: `offsetof(VhostUserMsg, payload)`. */
const HDR_SIZE = 12;
/** Payload sizes: `sizeof(uint64_t)`, `struct vhost_vring_state`, `struct vhost_vring_addr`, `VhostUserMemRegMsg`. */
const U64_SIZE = 8;
const VRING_STATE_SIZE = 8;
const VRING_ADDR_SIZE = 40;
const MEM_REG_MSG_SIZE = 40;
/** `VHOST_USER_CONFIG_HDR_SIZE` and `sizeof(struct virtio_gpu_config)`. */
const CONFIG_HDR_SIZE = 12;
const VIRTIO_GPU_CONFIG_SIZE = 16;
/** Header flags: version 1; REPLY (bit 2); NEED_REPLY (bit 3). */
const VERSION_1 = 0x1;
const REPLY = 0x4;
const NEED_REPLY = 0x8;

interface Recorded {
  request: number;
  flags: number;
  payload: Uint8Array;
  fds: number;
}

/** The recorded stream cut at its headers, each message with the count of descriptors that came with it. */
function recorded(bin: string, fdsJson: string): Recorded[] {
  const bytes = new Uint8Array(readFileSync(fixture(bin)));
  const fds = JSON.parse(readFileSync(fixture(fdsJson), "utf8")) as number[];
  const out: Recorded[] = [];
  for (let at = 0; at < bytes.length; ) {
    const h = readHeader(new DataView(bytes.buffer, bytes.byteOffset + at, HDR_SIZE));
    const payload = bytes.subarray(at + HDR_SIZE, at + HDR_SIZE + h.size);
    assert.equal(payload.length, h.size, "the recording ends on a message boundary");
    out.push({ request: h.request, flags: h.flags, payload, fds: fds[out.length]! });
    at += HDR_SIZE + h.size;
  }
  assert.equal(out.length, fds.length);
  return out;
}

const frontEnd = () => recorded("qemu10-front-end.bin", "qemu10-front-end.fds.json");
const displayReplies = () => recorded("qemu10-display-replies.bin", "qemu10-display-replies.fds.json");

function ok<T>(value: T | VhostUserRefusal): T {
  if (value instanceof VhostUserRefusal) assert.fail(value.reason);
  return value;
}

test("QEMU 10's vhost-user messages have the sizes of QEMU's structs and re-encode to the same bytes", () => {
  const messages = frontEnd();
  const seen = new Set<number>();
  for (const m of messages) {
    seen.add(m.request);
    assert.equal(m.flags & ~NEED_REPLY, VERSION_1, `request ${m.request} flags`);
    const p = m.payload;
    switch (m.request) {
      case VhostUserRequest.SetFeatures:
      case VhostUserRequest.SetProtocolFeatures:
        assert.equal(p.length, U64_SIZE);
        assert.deepEqual(encodeU64(ok(decodeU64(p))), p);
        break;
      case VhostUserRequest.SetVringKick:
      case VhostUserRequest.SetVringCall:
      case VhostUserRequest.SetVringErr: {
        assert.equal(p.length, U64_SIZE);
        const word = ok(decodeVringFd(p));
        assert.deepEqual(encodeVringFd(word), p);
        assert.equal(m.fds, word.noFd ? 0 : 1, "a descriptor rides along unless the no-fd bit is set");
        break;
      }
      case VhostUserRequest.SetVringNum:
      case VhostUserRequest.SetVringBase:
      case VhostUserRequest.SetVringEnable:
      case VhostUserRequest.GetVringBase:
        assert.equal(p.length, VRING_STATE_SIZE);
        assert.deepEqual(encodeVringState(ok(decodeVringState(p))), p);
        break;
      case VhostUserRequest.SetVringAddr: {
        assert.equal(p.length, VRING_ADDR_SIZE);
        const addr = ok(decodeVringAddr(p));
        assert.deepEqual(encodeVringAddr(addr), p);
        // The rings sit inside the one region QEMU shared, in its own address space.
        const region = ok(
          decodeSingleMemRegion(messages.find((r) => r.request === VhostUserRequest.AddMemReg)!.payload),
        );
        for (const a of [addr.desc, addr.used, addr.avail]) {
          assert.ok(a >= region.userspaceAddr && a < region.userspaceAddr + region.memorySize, a.toString(16));
        }
        break;
      }
      case VhostUserRequest.AddMemReg: {
        assert.equal(p.length, MEM_REG_MSG_SIZE);
        assert.equal(m.fds, 1);
        assert.deepEqual(encodeSingleMemRegion(ok(decodeSingleMemRegion(p))), p);
        break;
      }
      case VhostUserRequest.GetConfig: {
        assert.equal(p.length, CONFIG_HDR_SIZE + VIRTIO_GPU_CONFIG_SIZE);
        const config = ok(decodeConfig(p, false));
        assert.equal(config.size, VIRTIO_GPU_CONFIG_SIZE);
        assert.deepEqual(encodeConfig(config), p);
        break;
      }
      case VhostUserRequest.GpuSetSocket:
        assert.equal(m.fds, 1);
        break;
      default:
        assert.equal(p.length, 0, `request ${m.request} carries no payload`);
    }
  }
  // Field values QEMU's own sources fix, so that a layout read and written wrongly both ways still fails here.
  const states = (r: number) => messages.filter((m) => m.request === r).map((m) => ok(decodeVringState(m.payload)));
  // virtio-gpu-base.c: a 64-entry control queue and a 16-entry cursor queue (without virgl).
  assert.deepEqual(states(VhostUserRequest.SetVringNum), [
    { index: 0, num: 64 },
    { index: 1, num: 16 },
  ]);
  assert.deepEqual(
    states(VhostUserRequest.SetVringEnable).map((s) => [s.index, s.num]),
    [
      [0, 1],
      [1, 1],
      [0, 0],
      [1, 0],
    ],
  );
  const callIndexes = messages
    .filter((m) => m.request === VhostUserRequest.SetVringCall)
    .map((m) => ok(decodeVringFd(m.payload)).index);
  assert.deepEqual(callIndexes, [0, 1, 0, 1, 0, 1, 0, 1]);
  // QEMU lays a split ring out as the descriptor table (16 bytes per entry), the avail ring, then the used ring.
  for (const [i, m] of messages.filter((r) => r.request === VhostUserRequest.SetVringAddr).entries()) {
    const addr = ok(decodeVringAddr(m.payload));
    assert.equal(addr.index, i);
    assert.equal(addr.avail, addr.desc + 16n * BigInt(states(VhostUserRequest.SetVringNum)[i]!.num));
    assert.ok(addr.used > addr.avail);
  }
  // The e2e test gives the guest 512 MiB of memfd RAM, one region at guest address 0.
  const region = ok(decodeSingleMemRegion(messages.find((r) => r.request === VhostUserRequest.AddMemReg)!.payload));
  assert.deepEqual([region.guestPhysAddr, region.memorySize, region.mmapOffset], [0n, 512n << 20n, 0n]);
  const config = ok(decodeConfig(messages.find((r) => r.request === VhostUserRequest.GetConfig)!.payload, false));
  assert.deepEqual([config.offset, config.size, config.flags], [0, VIRTIO_GPU_CONFIG_SIZE, 0]);
  // What QEMU 10 sends through a boot and poweroff (vhost-user-gpu.md); the capture must hold each of them.
  for (const r of [1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 24, 33, 34, 36, 37]) assert.ok(seen.has(r), `${r}`);
});

test("QEMU 10's recorded session replays against our backend: every NEED_REPLY is acked and every GET answered", async () => {
  const [qemu, ours] = UnixSocket.pair();
  const logs: string[] = [];
  const backend = new VhostUserGpuBackend(ours, { log: (m) => logs.push(m) });
  const ended = new Promise<string>((resolve) => backend.onEnd(resolve));
  const replies: ((m: FramedMessage) => void)[] = [];
  new MessageReader(
    qemu,
    4096,
    (m) => replies.shift()?.(m),
    () => {},
  );
  // QEMU's side of the display socket answers with the replies QEMU 10 really sent, in order.
  const [display, displayPeer] = UnixSocket.pair();
  const displayAnswers = displayReplies();
  const displayAsked: number[] = [];
  let displayInfoAsked: () => void = () => {};
  const askedForDisplayInfo = new Promise<void>((resolve) => {
    displayInfoAsked = resolve;
  });
  new MessageReader(
    display,
    1 << 20,
    (m) => {
      displayAsked.push(m.request);
      if (m.request === GpuDisplayRequest.GetDisplayInfo) displayInfoAsked();
      const answer = displayAnswers.find((a) => a.request === m.request);
      if (answer !== undefined) display.send(frameOf(answer));
    },
    () => {},
  );
  const opened: { close(): void }[] = [];
  try {
    const messages = frontEnd();
    const region = ok(decodeSingleMemRegion(messages.find((r) => r.request === VhostUserRequest.AddMemReg)!.payload));
    let acks = 0;
    let answers = 0;
    for (const m of messages) {
      const fds: number[] = [];
      if (m.fds === 1) {
        if (m.request === VhostUserRequest.AddMemReg) {
          const fd = createMemfd("replayed-guest-ram", Number(region.memorySize + region.mmapOffset));
          fds.push(fd);
          opened.push({ close: () => closeFd(fd) });
        } else if (m.request === VhostUserRequest.GpuSetSocket) {
          fds.push(displayPeer.fd);
        } else {
          const e = EventFd.create();
          fds.push(e.fd);
          opened.push(e);
        }
      }
      const isGet = [
        VhostUserRequest.GetFeatures,
        VhostUserRequest.GetProtocolFeatures,
        VhostUserRequest.GetQueueNum,
        VhostUserRequest.GetMaxMemSlots,
        VhostUserRequest.GetConfig,
        VhostUserRequest.GetVringBase,
      ];
      const expectsReply = (m.flags & NEED_REPLY) !== 0 || isGet.includes(m.request as (typeof isGet)[number]);
      const reply = expectsReply ? new Promise<FramedMessage>((resolve) => replies.push(resolve)) : undefined;
      qemu.send(frameOf(m), fds);
      if (reply === undefined) continue;
      const r = await reply;
      assert.equal(r.request, m.request);
      assert.equal(r.flags, VERSION_1 | REPLY);
      if ((m.flags & NEED_REPLY) !== 0) {
        assert.equal(ok(decodeU64(r.payload)), 0n, `request ${m.request} acked with success\n${logs.join("\n")}`);
        acks++;
      } else {
        answers++;
      }
      if (m.request === VhostUserRequest.GetVringBase) {
        const asked = ok(decodeVringState(m.payload));
        assert.deepEqual(ok(decodeVringState(r.payload)), { index: asked.index, num: 0 }, "no buffer was used");
      }
    }
    assert.equal(acks, messages.filter((m) => (m.flags & NEED_REPLY) !== 0).length);
    assert.ok(answers >= 6);
    assert.deepEqual(
      logs.filter((l) => l.includes("refused")),
      [],
    );
    assert.equal(backend.device.driverFeatures, 1n << 1n, "the guest took VIRTIO_GPU_F_EDID");
    // The backend asked QEMU's display for its features, set none, and asked for its outputs.
    await askedForDisplayInfo;
    assert.deepEqual(displayAsked, [
      GpuDisplayRequest.GetProtocolFeatures,
      GpuDisplayRequest.SetProtocolFeatures,
      GpuDisplayRequest.GetDisplayInfo,
    ]);
  } finally {
    qemu.close();
    display.close();
    displayPeer.close();
    for (const o of opened) o.close();
  }
  await ended;
});

function frameOf(m: Recorded): Uint8Array {
  const out = new Uint8Array(HDR_SIZE + m.payload.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, m.request, true);
  v.setUint32(4, m.flags, true);
  v.setUint32(8, m.payload.length, true);
  out.set(m.payload, HDR_SIZE);
  return out;
}
