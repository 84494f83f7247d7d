import assert from "node:assert/strict";
import { test } from "node:test";
import { VenusExecutor, withoutPrivate } from "../../../src/node/venus/venus-executor.ts";
import { command, createDeviceArgs, createInstanceArgs, hostVulkan } from "./venus-helpers.ts";

const lib = hostVulkan();
const skip = typeof lib === "string" ? lib : false;

/** An executor with instance 1, physical device 2 and device 3 made through venus commands. */
function withDevice(): VenusExecutor {
  const ex = new VenusExecutor(lib as Exclude<typeof lib, string>);
  assert.equal(ex.run(command("vkCreateInstance", createInstanceArgs(1))).ret, 0);
  const count = ex.run(
    command("vkEnumeratePhysicalDevices", { instance: 1, pPhysicalDeviceCount: 0, pPhysicalDevices: null }),
  );
  assert.ok((count.pPhysicalDeviceCount as number) >= 1);
  const listed = ex.run(
    command("vkEnumeratePhysicalDevices", { instance: 1, pPhysicalDeviceCount: 1, pPhysicalDevices: [2] }),
  );
  assert.deepEqual(listed.pPhysicalDevices, [2]);
  assert.equal(ex.run(command("vkCreateDevice", createDeviceArgs(2, 3))).ret, 0);
  return ex;
}

test("guest ids map to host objects: instance, physical device, device, queue; properties with a pNext chain", {
  skip,
}, () => {
  const ex = withDevice();
  const props = ex.run(
    command("vkGetPhysicalDeviceProperties2", {
      physicalDevice: 2,
      pProperties: { sType: 1000059001, pNext: { sType: 1000196000, pNext: null } },
    }),
  );
  const p = props.pProperties as {
    properties: { deviceName: string; apiVersion: number };
    pNext: { driverName: string };
  };
  assert.match(p.properties.deviceName, /llvmpipe/);
  assert.equal(p.pNext.driverName, "llvmpipe");
  const q = ex.run(command("vkGetDeviceQueue", { device: 3, queueFamilyIndex: 0, queueIndex: 0, pQueue: 4 }));
  assert.equal(q.pQueue, 4);
  assert.equal(ex.objects.find(4)?.kind, "VkQueue");
  assert.equal(ex.objects.size, 4);
  ex.destroyAll();
  assert.equal(ex.objects.size, 0);
  assert.deepEqual(ex.counts, { created: 2, destroyed: 2 });
});

test("a handle of the wrong type, an unknown id, a NULL array with a count: refused before any host call", {
  skip,
}, () => {
  const ex = withDevice();
  // The device's id where a physical device belongs: typed lookup refuses it.
  assert.throws(
    () => ex.run(command("vkGetPhysicalDeviceProperties", { physicalDevice: 3, pProperties: {} })),
    /InvalidCommandBuffer|object id 3 is a VkDevice, not a VkPhysicalDevice/,
  );
  assert.throws(() => ex.run(command("vkDestroyDevice", { device: 99, pAllocator: null })), /object id 99/);
  // queueCreateInfoCount 1 with pQueueCreateInfos NULL would send lavapipe through a null pointer.
  const bad = createDeviceArgs(2, 5);
  (bad.pCreateInfo as Record<string, unknown>).pQueueCreateInfos = null;
  assert.throws(() => ex.run(command("vkCreateDevice", bad)), /pQueueCreateInfos: NULL with 1 elements/);
  // A struct member of handle type is checked too (VkDeviceGroupDeviceCreateInfo.pPhysicalDevices).
  const group = createDeviceArgs(2, 6);
  (group.pCreateInfo as Record<string, unknown>).pNext = {
    sType: 1000070001,
    pNext: null,
    physicalDeviceCount: 1,
    pPhysicalDevices: [3],
  };
  assert.throws(() => ex.run(command("vkCreateDevice", group)), /VkDeviceGroupDeviceCreateInfo.pPhysicalDevices/);
  assert.equal(ex.objects.size, 3);
  ex.destroyAll();
  assert.deepEqual(ex.counts, { created: 2, destroyed: 2 });
});

test("a guest that destroys the instance first: its device and images are destroyed on the host before it", {
  skip,
}, () => {
  const ex = withDevice();
  const image = {
    device: 3,
    pCreateInfo: {
      sType: 14,
      pNext: null,
      flags: 0,
      imageType: 1,
      format: 37,
      extent: { width: 16, height: 16, depth: 1 },
      mipLevels: 1,
      arrayLayers: 1,
      samples: 1,
      tiling: 0,
      usage: 4,
      sharingMode: 0,
      queueFamilyIndexCount: 0,
      pQueueFamilyIndices: null,
      initialLayout: 0,
    },
    pAllocator: null,
    pImage: 7,
  };
  assert.equal(ex.run(command("vkCreateImage", image)).ret, 0);
  assert.equal(ex.objects.find(7)?.kind, "VkImage");
  ex.run(command("vkDestroyInstance", { instance: 1, pAllocator: null }));
  assert.equal(ex.objects.size, 0);
  assert.deepEqual(ex.counts, { created: 3, destroyed: 3 });
});

test("the venus protocol's own structs never reach the host driver's pNext chains", { skip }, () => {
  const ex = withDevice();
  // VkDeviceQueueTimelineInfoMESA binds a queue to a ring index for the renderer; lavapipe has no business with it.
  const q = ex.run(
    command("vkGetDeviceQueue2", {
      device: 3,
      pQueueInfo: {
        sType: 1000145003,
        pNext: { sType: 1000384005, pNext: null, ringIdx: 1 },
        flags: 0,
        queueFamilyIndex: 0,
        queueIndex: 0,
      },
      pQueue: 4,
    }),
  );
  assert.equal(q.pQueue, 4);
  assert.equal(ex.objects.find(4)?.kind, "VkQueue");
  ex.destroyAll();
  const a = { sType: 1, pNext: { sType: 1000384005, pNext: { sType: 7, pNext: null, x: 1 } } };
  assert.deepEqual(withoutPrivate(a), { sType: 1, pNext: { sType: 7, pNext: null, x: 1 } });
  const b = { sType: 1, pNext: { sType: 7, pNext: null } };
  assert.equal(withoutPrivate(b), b);
});
