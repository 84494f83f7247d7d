import assert from "node:assert/strict";
import { test } from "node:test";
import { venusHasDecoder, venusWireCoverage } from "../../../src/components/venus/wire-coverage.ts";
import { VENUS_EXTENSIONS, WIRE_SOURCE } from "../../../src/components/venus/wire-tables.generated.ts";

test("coverage: the commands a venus client starts with have decoders, aliases included", () => {
  for (const name of [
    "vkCreateInstance",
    "vkEnumerateInstanceVersion",
    "vkEnumeratePhysicalDevices",
    "vkGetPhysicalDeviceProperties2KHR",
    "vkGetPhysicalDeviceFeatures2",
    "vkCreateDevice",
    "vkCreateBuffer",
    "vkAllocateMemory",
    "vkQueueSubmit2",
    "vkCreateRingMESA",
    "vkNotifyRingMESA",
    "vkWriteRingExtraMESA",
    "vkSetReplyCommandStreamMESA",
    "vkSeekReplyCommandStreamMESA",
    "vkExecuteCommandStreamsMESA",
    "vkSubmitVirtqueueSeqnoMESA",
    "vkWaitVirtqueueSeqnoMESA",
    "vkWaitRingSeqnoMESA",
    "vkGetMemoryResourcePropertiesMESA",
    "vkImportSemaphoreResourceMESA",
  ]) {
    assert.ok(venusHasDecoder(name), name);
  }
  assert.equal(venusHasDecoder("vkGetInstanceProcAddr"), false);
  assert.equal(venusHasDecoder("vkCreateSwapchainKHR"), false);
});

test("coverage: the report names what is refused and why", () => {
  const c = venusWireCoverage();
  assert.equal(c.commands.length, 331);
  assert.deepEqual(c.retired, [195]);
  const refused = Object.fromEntries(c.commands.filter((x) => !x.decodable).map((x) => [x.name, x.refused]));
  assert.deepEqual(refused.vkMapMemory, ["ppData"]);
  assert.deepEqual(refused.vkCopyImageToMemoryMESA, ["signature not transcribed"]);
  assert.ok(
    refused.vkCmdBuildAccelerationStructuresKHR?.includes("VkAccelerationStructureBuildGeometryInfoKHR.ppGeometries"),
  );
  assert.ok(c.structs.decodable <= c.structs.total);
  assert.deepEqual(c.missingByFeature.VK_MESA_venus_protocol, []);
  assert.deepEqual(c.missingByFeature.VK_KHR_timeline_semaphore, []);
  assert.deepEqual(c.missingByFeature.VK_KHR_map_memory2, ["vkMapMemory2KHR"]);
  const known = new Set(VENUS_EXTENSIONS.map((e) => e[0]));
  for (const f of Object.keys(c.missingByFeature)) assert.ok(known.has(f) || f.startsWith("VK_VERSION_1_"), f);
  assert.ok("VK_VERSION_1_0" in c.missingByFeature && "VK_KHR_external_memory_fd" in c.missingByFeature);
  assert.equal(WIRE_SOURCE.vkXml, "1.4.309");
  assert.equal(WIRE_SOURCE.wireFormatVersion, 1);
});
