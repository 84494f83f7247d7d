import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decodeVenusCommand,
  decodeVenusReply,
  venusCommandBytes,
  venusCommandType,
  venusReplyBytes,
} from "../../../src/components/venus/wire-codec.ts";
import { VenusWireReader } from "../../../src/components/venus/wire-stream.ts";
import { isRutabagaError } from "../../../src/rutabaga/error.ts";
import { WireBytes } from "./wire-bytes.ts";

const decode = (b: Uint8Array) => {
  const r = new VenusWireReader(b);
  const c = decodeVenusCommand(r);
  assert.equal(r.pos, b.byteLength, "the whole command is consumed");
  return c;
};
const decodeReply = (b: Uint8Array) => {
  const r = new VenusWireReader(b);
  const v = decodeVenusReply(r);
  assert.equal(r.pos, b.byteLength, "the whole reply is consumed");
  return v;
};
const rejects = (b: Uint8Array, code: string) =>
  assert.throws(
    () => decode(b),
    (e) => isRutabagaError(e) && e.code === code,
  );

const ST = {
  applicationInfo: 0,
  instanceCreateInfo: 1,
  bufferCreateInfo: 12,
  physicalDeviceProperties2: 1000059001,
  physicalDeviceIdProperties: 1000071004,
  physicalDeviceDriverProperties: 1000196000,
  externalMemoryBufferCreateInfo: 1000072000,
  bufferUsageFlags2CreateInfo: 1000470006,
  bufferMemoryRequirementsInfo2: 1000146000,
  memoryRequirements2: 1000146003,
  memoryDedicatedRequirements: 1000127000,
  ringCreateInfoMESA: 1000384000,
  ringMonitorInfoMESA: 1000384006,
} as const;

test("command type numbers: canonical names and vk.xml aliases", () => {
  assert.equal(venusCommandType("vkCreateInstance"), 0);
  assert.equal(venusCommandType("vkEnumeratePhysicalDevices"), 2);
  assert.equal(venusCommandType("vkCreateBuffer"), 50);
  assert.equal(venusCommandType("vkGetPhysicalDeviceProperties2"), 148);
  assert.equal(venusCommandType("vkGetPhysicalDeviceProperties2KHR"), 148);
  assert.equal(venusCommandType("vkCmdDrawIndirectCountAMD"), 165);
  assert.equal(venusCommandType("vkCreateRingMESA"), 188);
  assert.equal(venusCommandType("vkSubmitVirtqueueSeqnoMESA"), 251);
  assert.equal(venusCommandType("vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR"), 331);
  assert.equal(venusCommandType("vkCreateSwapchainKHR"), undefined);
});

test("vkCreateInstance: strings, a nested struct pointer, a string array, the guest's instance id", () => {
  const bytes = new WireBytes()
    .u32(0)
    .u32(1) // VK_COMMAND_GENERATE_REPLY_BIT_EXT
    .u64(1) // pCreateInfo
    .i32(ST.instanceCreateInfo)
    .u64(0) // pNext
    .u32(0) // flags
    .u64(1) // pApplicationInfo
    .i32(ST.applicationInfo)
    .u64(0)
    .str("vkcube")
    .u32(1)
    .u64(0) // pEngineName = NULL
    .u32(0)
    .u32((1 << 22) | (2 << 12))
    .u32(0)
    .u64(0) // ppEnabledLayerNames
    .u32(2)
    .u64(2)
    .str("VK_KHR_get_physical_device_properties2")
    .str("VK_EXT_debug_utils")
    .u64(0) // pAllocator
    .u64(1) // pInstance
    .u64(0x1234)
    .bytes();
  const want = {
    type: 0,
    name: "vkCreateInstance",
    flags: 1,
    args: {
      pCreateInfo: {
        sType: ST.instanceCreateInfo,
        pNext: null,
        flags: 0,
        pApplicationInfo: {
          sType: ST.applicationInfo,
          pNext: null,
          pApplicationName: "vkcube",
          applicationVersion: 1,
          pEngineName: null,
          engineVersion: 0,
          apiVersion: (1 << 22) | (2 << 12),
        },
        enabledLayerCount: 0,
        ppEnabledLayerNames: null,
        enabledExtensionCount: 2,
        ppEnabledExtensionNames: ["VK_KHR_get_physical_device_properties2", "VK_EXT_debug_utils"],
      },
      pAllocator: null,
      pInstance: 0x1234,
    },
  };
  assert.deepEqual(decode(bytes), want);
  assert.deepEqual(venusCommandBytes(0, 1, want.args), bytes);
  const reply = new WireBytes().u32(0).i32(0).u64(1).u64(0x1234).bytes();
  assert.deepEqual(decodeReply(reply), { type: 0, values: { ret: 0, pInstance: 0x1234 } });
  assert.deepEqual(venusReplyBytes(0, { ret: 0, pInstance: 0x1234 }), reply);
});

test("vkCreateInstance refuses allocation callbacks, a bad pointer marker, a count that disagrees, a short stream", () => {
  const base = () =>
    new WireBytes().u32(0).u32(0).u64(1).i32(ST.instanceCreateInfo).u64(0).u32(0).u64(0).u32(0).u64(0).u32(1);
  rejects(base().u64(1).str("VK_KHR_surface").u64(1).u64(1).u64(7).bytes(), "InvalidCommandBuffer");
  rejects(base().u64(2).str("VK_KHR_surface").str("x").u64(0).u64(1).u64(7).bytes(), "InvalidCommandBuffer");
  rejects(base().u64(1).u64(50).bytes(), "InvalidCommandSize");
  rejects(base().u64(7).bytes(), "InvalidCommandBuffer");
  const ok = base().u64(1).str("VK_KHR_surface").u64(0).u64(1).u64(7).bytes();
  assert.equal(decode(ok).name, "vkCreateInstance");
  rejects(ok.subarray(0, ok.byteLength - 4), "InvalidCommandSize");
  const badMarker = ok.slice();
  new DataView(badMarker.buffer).setUint32(8, 2, true);
  rejects(badMarker, "InvalidCommandBuffer");
  const badSType = ok.slice();
  new DataView(badSType.buffer).setInt32(16, 99, true);
  rejects(badSType, "InvalidCommandBuffer");
});

test("vkEnumeratePhysicalDevices: an in/out count and the ids the guest names, both ways", () => {
  const cmd = new WireBytes().u32(2).u32(1).u64(0x1234).u64(1).u32(2).u64(2).u64(0x10).u64(0x11).bytes();
  const args = { instance: 0x1234, pPhysicalDeviceCount: 2, pPhysicalDevices: [0x10, 0x11] };
  assert.deepEqual(decode(cmd), { type: 2, name: "vkEnumeratePhysicalDevices", flags: 1, args });
  assert.deepEqual(venusCommandBytes(2, 1, args), cmd);
  const query = new WireBytes().u32(2).u32(1).u64(0x1234).u64(1).u32(0).u64(0).bytes();
  assert.deepEqual(decode(query).args, { instance: 0x1234, pPhysicalDeviceCount: 0, pPhysicalDevices: null });
  rejects(
    new WireBytes().u32(2).u32(1).u64(0x1234).u64(1).u32(3).u64(2).u64(0x10).u64(0x11).bytes(),
    "InvalidCommandBuffer",
  );
  const reply = new WireBytes().u32(2).i32(5).u64(1).u32(1).u64(1).u64(0x10).bytes(); // VK_INCOMPLETE
  const values = { ret: 5, pPhysicalDeviceCount: 1, pPhysicalDevices: [0x10] };
  assert.deepEqual(decodeReply(reply), { type: 2, values });
  assert.deepEqual(venusReplyBytes(2, values), reply);
});

test("vkGetPhysicalDeviceProperties2: an output struct travels as sType and its pNext chain only", () => {
  const cmd = new WireBytes()
    .u32(148)
    .u32(1)
    .u64(0x10)
    .u64(1)
    .i32(ST.physicalDeviceProperties2)
    .u64(1)
    .i32(ST.physicalDeviceDriverProperties)
    .u64(1)
    .i32(ST.physicalDeviceIdProperties)
    .u64(0)
    .bytes();
  const got = decode(cmd);
  assert.equal(got.name, "vkGetPhysicalDeviceProperties2");
  assert.deepEqual(got.args, {
    physicalDevice: 0x10,
    pProperties: {
      sType: ST.physicalDeviceProperties2,
      pNext: {
        sType: ST.physicalDeviceDriverProperties,
        pNext: { sType: ST.physicalDeviceIdProperties, pNext: null },
        conformanceVersion: {},
      },
      properties: { limits: {}, sparseProperties: {} },
    },
  });
  assert.deepEqual(venusCommandBytes(148, 1, got.args), cmd);
  const unknown = cmd.slice();
  new DataView(unknown.buffer).setInt32(36, 1000001000, true); // VkSwapchainCreateInfoKHR: not a properties chain
  rejects(unknown, "Unsupported");
});

test("vkGetBufferMemoryRequirements2: a reply's chain members come innermost first", () => {
  const type = venusCommandType("vkGetBufferMemoryRequirements2")!;
  const reply = new WireBytes()
    .u32(type)
    .u64(1)
    .i32(ST.memoryRequirements2)
    .u64(1)
    .i32(ST.memoryDedicatedRequirements)
    .u64(0)
    .u32(1) // prefersDedicatedAllocation
    .u32(0) // requiresDedicatedAllocation
    .u64(65536) // size
    .u64(256) // alignment
    .u32(0b101) // memoryTypeBits
    .bytes();
  const values = {
    pMemoryRequirements: {
      sType: ST.memoryRequirements2,
      pNext: {
        sType: ST.memoryDedicatedRequirements,
        pNext: null,
        prefersDedicatedAllocation: 1,
        requiresDedicatedAllocation: 0,
      },
      memoryRequirements: { size: 65536n, alignment: 256n, memoryTypeBits: 0b101 },
    },
  };
  assert.deepEqual(decodeReply(reply), { type, values });
  assert.deepEqual(venusReplyBytes(type, values), reply);
});

test("vkCreateBuffer: a 64-bit size, a two-element pNext chain (members innermost first), a NULL array", () => {
  const cmd = new WireBytes()
    .u32(50)
    .u32(0)
    .u64(0x20)
    .u64(1)
    .i32(ST.bufferCreateInfo)
    .u64(1)
    .i32(ST.externalMemoryBufferCreateInfo)
    .u64(1)
    .i32(ST.bufferUsageFlags2CreateInfo)
    .u64(0)
    .u64(0x1_0000_0022n) // VkBufferUsageFlags2CreateInfo.usage
    .u32(0x1) // VkExternalMemoryBufferCreateInfo.handleTypes: OPAQUE_FD
    .u32(0) // flags
    .u64(0x1_0000_0000n) // size: 4 GiB
    .u32(0x20 | 0x2) // usage
    .i32(0) // sharingMode
    .u32(0)
    .u64(0) // pQueueFamilyIndices
    .u64(0) // pAllocator
    .u64(1)
    .u64(0x30)
    .bytes();
  const args = {
    device: 0x20,
    pCreateInfo: {
      sType: ST.bufferCreateInfo,
      pNext: {
        sType: ST.externalMemoryBufferCreateInfo,
        pNext: { sType: ST.bufferUsageFlags2CreateInfo, pNext: null, usage: 0x1_0000_0022n },
        handleTypes: 1,
      },
      flags: 0,
      size: 0x1_0000_0000n,
      usage: 0x22,
      sharingMode: 0,
      queueFamilyIndexCount: 0,
      pQueueFamilyIndices: null,
    },
    pAllocator: null,
    pBuffer: 0x30,
  };
  assert.deepEqual(decode(cmd), { type: 50, name: "vkCreateBuffer", flags: 0, args });
  assert.deepEqual(venusCommandBytes(50, 0, args), cmd);
  const withQueues = venusCommandBytes(50, 0, {
    ...args,
    pCreateInfo: {
      ...args.pCreateInfo,
      sharingMode: 1,
      queueFamilyIndexCount: 2,
      pQueueFamilyIndices: Uint32Array.of(0, 1),
    },
  });
  const decoded = decode(withQueues).args.pCreateInfo as { pQueueFamilyIndices: Uint32Array };
  assert.deepEqual([...decoded.pQueueFamilyIndices], [0, 1]);
});

test("vkCreateRingMESA: the ring layout with a monitor in its chain", () => {
  const cmd = new WireBytes()
    .u32(188)
    .u32(0)
    .u64(0x77) // ring
    .u64(1)
    .i32(ST.ringCreateInfoMESA)
    .u64(1)
    .i32(ST.ringMonitorInfoMESA)
    .u64(0)
    .u32(5000) // maxReportingPeriodMicroseconds
    .u32(0) // flags
    .u32(3) // resourceId
    .u64(0) // offset
    .u64(1 << 20) // size
    .u64(5_000_000_000n) // idleTimeout
    .u64(0)
    .u64(64)
    .u64(128)
    .u64(192)
    .u64(131072)
    .u64(131264)
    .u64(4096)
    .bytes();
  const args = {
    ring: 0x77n,
    pCreateInfo: {
      sType: ST.ringCreateInfoMESA,
      pNext: { sType: ST.ringMonitorInfoMESA, pNext: null, maxReportingPeriodMicroseconds: 5000 },
      flags: 0,
      resourceId: 3,
      offset: 0,
      size: 1 << 20,
      idleTimeout: 5_000_000_000n,
      headOffset: 0,
      tailOffset: 64,
      statusOffset: 128,
      bufferOffset: 192,
      bufferSize: 131072,
      extraOffset: 131264,
      extraSize: 4096,
    },
  };
  assert.deepEqual(decode(cmd), { type: 188, name: "vkCreateRingMESA", flags: 0, args });
  assert.deepEqual(venusCommandBytes(188, 0, args), cmd);
  const notify = new WireBytes().u32(190).u32(0).u64(0x77).u32(9).u32(0).bytes();
  assert.deepEqual(decode(notify).args, { ring: 0x77n, seqno: 9, flags: 0 });
});

test("a byte count near 2^53 is refused, not wrapped", () => {
  const cmd = new WireBytes()
    .u32(117)
    .u32(0)
    .u64(0x40)
    .u64(0x41)
    .u64(0)
    .u64(2 ** 53 - 1)
    .u64(2 ** 53 - 1)
    .bytes();
  rejects(cmd, "InvalidCommandSize");
  const r = new VenusWireReader(cmd);
  assert.throws(() => decodeVenusCommand(r));
  assert.ok(r.pos >= 0 && r.pos <= cmd.byteLength);
});

test("an unknown or retired command type is refused with a typed error", () => {
  rejects(new WireBytes().u32(195).u32(0).bytes(), "Unsupported");
  rejects(new WireBytes().u32(100000).u32(0).bytes(), "Unsupported");
  rejects(new WireBytes().u32(9).u32(0).u64(1).str("vkCreateDevice").bytes(), "Unsupported");
});
