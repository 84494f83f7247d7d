import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decodeVenusCommand,
  decodeVenusReply,
  venusCommandBytes,
  venusCommandType,
  venusReplyBytes,
} from "../../../src/components/venus/wire-codec.ts";
import { compileField } from "../../../src/components/venus/wire-schema.ts";
import { VenusWireReader } from "../../../src/components/venus/wire-stream.ts";
import { COMMANDS } from "../../../src/components/venus/wire-tables.generated.ts";
import { VulkanNativeArena } from "../../../src/node/vulkan/native-arena.ts";
import { nativeLayout, structIndex } from "../../../src/node/vulkan/native-layout.ts";
import { VulkanLibrary, vulkanPrototype } from "../../../src/node/vulkan/vulkan-library.ts";

const param = (command: string, name: string) => {
  const row = COMMANDS.find((c) => c[1] === command)!;
  const [, spec] = row[3].find(([n]) => n === name)!;
  return compileField(name, spec, true);
};
const decode = (type: number, args: Record<string, unknown>) =>
  decodeVenusCommand(new VenusWireReader(venusCommandBytes(type, 1, args))).args;
const roundTripReply = (type: number, values: Record<string, unknown>) =>
  decodeVenusReply(new VenusWireReader(venusReplyBytes(type, values))).values;

test("C layouts from the venus tables: sizes and offsets the Vulkan headers give", () => {
  const size = (n: string) => nativeLayout(structIndex(n)).size;
  assert.equal(size("VkApplicationInfo"), 48);
  assert.equal(size("VkInstanceCreateInfo"), 64);
  assert.equal(size("VkBufferCreateInfo"), 56);
  assert.equal(size("VkPhysicalDeviceLimits"), 504);
  assert.equal(size("VkPhysicalDeviceProperties"), 824);
  assert.equal(size("VkPhysicalDeviceProperties2"), 840);
  assert.equal(size("VkPhysicalDeviceMemoryProperties"), 520);
  assert.equal(size("VkClearValue"), 16);
  const limits = nativeLayout(structIndex("VkPhysicalDeviceProperties"));
  assert.deepEqual(
    limits.members.map((m) => [m.field.name, m.offset]),
    [
      ["apiVersion", 0],
      ["driverVersion", 4],
      ["vendorID", 8],
      ["deviceID", 12],
      ["deviceType", 16],
      ["deviceName", 20],
      ["pipelineCacheUUID", 276],
      ["limits", 296],
      ["sparseProperties", 800],
    ],
  );
  assert.equal(
    vulkanPrototype("vkCreateInstance"),
    "int32_t rutabaga_vk_vkCreateInstance(uint64_t pCreateInfo, uint64_t pAllocator, uint64_t pInstance)",
  );
});

test("the native arena is bounded and zeroes what it hands out", () => {
  const arena = new VulkanNativeArena(4096);
  const a = arena.take(16);
  assert.equal(arena.u64(a), 0n);
  assert.throws(() => arena.take(8192), /OutOfMemory/);
  arena.reset();
  assert.equal(arena.size, 0);
});

test("host Vulkan through koffi: commands decoded from venus bytes run on libvulkan.so.1, replies encode", (t) => {
  let lib: VulkanLibrary;
  try {
    lib = VulkanLibrary.load();
  } catch (e) {
    t.skip(`no host Vulkan loader: ${(e as Error).message}`);
    return;
  }
  const arena = new VulkanNativeArena();
  const handles = new Map<number, bigint>();
  const map = (id: number) => {
    const h = handles.get(id);
    if (h === undefined) throw new Error(`unknown object id ${id}`);
    return h;
  };

  const tVersion = venusCommandType("vkEnumerateInstanceVersion")!;
  const v = decode(tVersion, { pApiVersion: true });
  const pVersion = arena.param(param("vkEnumerateInstanceVersion", "pApiVersion"), v.pApiVersion, map);
  assert.equal(lib.function(0n, "vkEnumerateInstanceVersion")!(pVersion), 0);
  const version = arena.u32(pVersion);
  assert.ok(version >>> 22 === 1 && ((version >> 12) & 0x3ff) >= 1, `loader version ${version}`);
  assert.deepEqual(roundTripReply(tVersion, { ret: 0, pApiVersion: version }), { ret: 0, pApiVersion: version });

  const tCreate = venusCommandType("vkCreateInstance")!;
  const create = decode(tCreate, {
    pCreateInfo: {
      sType: 1,
      pNext: null,
      flags: 0,
      pApplicationInfo: {
        sType: 0,
        pNext: null,
        pApplicationName: "rutabaga-ts venus test",
        applicationVersion: 1,
        pEngineName: null,
        engineVersion: 0,
        apiVersion: (1 << 22) | (1 << 12),
      },
      enabledLayerCount: 0,
      ppEnabledLayerNames: null,
      enabledExtensionCount: 0,
      ppEnabledExtensionNames: null,
    },
    pAllocator: null,
    pInstance: 0x1001,
  });
  arena.reset();
  const pCreateInfo = arena.param(param("vkCreateInstance", "pCreateInfo"), create.pCreateInfo, map);
  const pInstance = arena.param(param("vkCreateInstance", "pInstance"), true, map);
  const created = lib.function(0n, "vkCreateInstance")!(pCreateInfo, 0n, pInstance) as number;
  if (created === -9) {
    t.skip("the loader found no Vulkan driver (VK_ERROR_INCOMPATIBLE_DRIVER): install mesa-vulkan-drivers");
    return;
  }
  assert.equal(created, 0);
  const instance = arena.u64(pInstance);
  assert.notEqual(instance, 0n);
  handles.set(create.pInstance as number, instance);
  try {
    const enumerate = lib.function(instance, "vkEnumeratePhysicalDevices")!;
    arena.reset();
    const pCount = arena.take(4, 4);
    assert.equal(enumerate(map(0x1001), pCount, 0n), 0);
    const count = arena.u32(pCount);
    assert.ok(count >= 1);
    const pDevices = arena.take(8 * count);
    assert.ok([0, 5].includes(enumerate(map(0x1001), pCount, pDevices)));
    handles.set(0x2001, arena.u64(pDevices));

    // The guest asks for properties with driver properties chained, as Mesa's venus driver does.
    const tProps = venusCommandType("vkGetPhysicalDeviceProperties2")!;
    const props = decode(tProps, {
      physicalDevice: 0x2001,
      pProperties: { sType: 1000059001, pNext: { sType: 1000196000, pNext: null } },
    });
    arena.reset();
    const field = param("vkGetPhysicalDeviceProperties2", "pProperties");
    const pProps = arena.param(field, props.pProperties, map);
    lib.function(instance, "vkGetPhysicalDeviceProperties2")!(map(props.physicalDevice as number), pProps);
    const filled = arena.readStruct(field.ref, pProps);
    const p = filled.properties as { apiVersion: number; deviceName: string; limits: { maxImageDimension2D: number } };
    const driver = filled.pNext as { sType: number; driverName: string; driverID: number };
    assert.ok(p.apiVersion >>> 22 === 1, `apiVersion ${p.apiVersion}`);
    assert.ok(p.deviceName.length > 0);
    assert.ok(p.limits.maxImageDimension2D >= 4096);
    assert.equal(driver.sType, 1000196000);
    assert.ok(driver.driverName.length > 0);
    const reply = roundTripReply(tProps, { pProperties: filled });
    assert.equal((reply.pProperties as { properties: { deviceName: string } }).properties.deviceName, p.deviceName);
    t.diagnostic(
      `host device: ${p.deviceName} (${driver.driverName}), API ${p.apiVersion >>> 22}.${(p.apiVersion >> 12) & 0x3ff}`,
    );
  } finally {
    lib.function(instance, "vkDestroyInstance")!(instance, 0n);
  }
});
