import assert from "node:assert/strict";
import { test } from "node:test";
import {
  VENUS_CAPSET_WORDS,
  VenusCapsetWord,
  venusCapset,
  venusCapsetExtensions,
  vkApiVersion,
} from "../../../src/components/venus/venus-capset.ts";
import { venusExecutedExtensions, venusExecutes } from "../../../src/components/venus/venus-executed.ts";
import { venusHasDecoder } from "../../../src/components/venus/wire-coverage.ts";
import {
  FEATURE_COMMANDS,
  VENUS_EXTENSIONS,
  WIRE_SOURCE,
} from "../../../src/components/venus/wire-tables.generated.ts";

const words = (c: Uint8Array) => new Uint32Array(c.buffer, c.byteOffset, c.byteLength / 4);

test("the venus capset: versions from the generator's inputs, the flags Mesa asserts, 160 bytes", () => {
  const c = venusCapset();
  assert.equal(c.byteLength, VENUS_CAPSET_WORDS * 4);
  assert.equal(c.byteLength, 160);
  const w = words(c);
  assert.equal(w[VenusCapsetWord.WireFormatVersion], 1);
  assert.equal(w[VenusCapsetWord.VkXmlVersion], (1 << 22) | (4 << 12) | 309);
  assert.equal(w[VenusCapsetWord.VkXmlVersion], vkApiVersion(WIRE_SOURCE.vkXml));
  assert.equal(w[VenusCapsetWord.CommandSerializationSpecVersion], 1);
  assert.equal(w[VenusCapsetWord.VenusProtocolSpecVersion], WIRE_SOURCE.venusProtocolSpecVersion);
  assert.equal(w[VenusCapsetWord.SupportsBlobId0], 1);
  assert.equal(w[VenusCapsetWord.AllowVkWaitSyncs], 1);
  assert.equal(w[VenusCapsetWord.SupportsMultipleTimelines], 1);
  assert.equal(w[VenusCapsetWord.UseGuestVram], 0);
  // Bit 0 marks the mask valid; without it Mesa would take every extension as served.
  assert.equal(w[VenusCapsetWord.ExtensionMask1]! & 1, 1);
});

test("the extension mask: bit N of extension number N, exactly the extensions named", () => {
  const c = venusCapset(["VK_KHR_driver_properties", "VK_EXT_transform_feedback"]);
  const w = words(c);
  // VK_KHR_driver_properties is extension 197: word 6, bit 5; VK_EXT_transform_feedback is 29: word 0, bit 29.
  assert.equal(w[VenusCapsetWord.ExtensionMask1 + 6], 1 << 5);
  assert.equal(w[VenusCapsetWord.ExtensionMask1]! >>> 0, ((1 << 29) | 1) >>> 0);
  assert.deepEqual(venusCapsetExtensions(c).sort(), ["VK_EXT_transform_feedback", "VK_KHR_driver_properties"]);
});

test("every extension the capset advertises has a decoder and an executor entry for each of its commands", () => {
  const advertised = venusCapsetExtensions(venusCapset());
  assert.deepEqual(advertised.sort(), venusExecutedExtensions().sort());
  assert.ok(advertised.includes("VK_KHR_driver_properties"), "a struct-only extension is advertised");
  for (const ext of advertised) {
    for (const c of FEATURE_COMMANDS[ext] ?? []) {
      assert.ok(venusHasDecoder(c), `${ext}: ${c} has no decoder`);
      assert.ok(venusExecutes(c), `${ext}: ${c} is not executed`);
    }
  }
  // One with a command we do not execute stays out.
  assert.ok(!advertised.includes("VK_EXT_transform_feedback"));
  assert.ok(advertised.length < VENUS_EXTENSIONS.length);
});
