import { venusExecutedExtensions } from "./venus-executed.ts";
import { VENUS_EXTENSIONS, WIRE_SOURCE } from "./wire-tables.generated.ts";

/**
 * virglrenderer's `struct virgl_renderer_capset_venus` (venus_hw.h), in u32 words: four versions,
 * `supports_blob_id_0`, `vk_extension_mask1[32]`, `allow_vk_wait_syncs`, `supports_multiple_timelines`,
 * `use_guest_vram`.
 */
export const VenusCapsetWord = {
  WireFormatVersion: 0,
  VkXmlVersion: 1,
  CommandSerializationSpecVersion: 2,
  VenusProtocolSpecVersion: 3,
  SupportsBlobId0: 4,
  ExtensionMask1: 5,
  AllowVkWaitSyncs: 37,
  SupportsMultipleTimelines: 38,
  UseGuestVram: 39,
} as const;
/** Words in the capset. */
export const VENUS_CAPSET_WORDS = 40;
/** The one capset version venus defines. */
export const VENUS_CAPSET_VERSION = 0;
/** Extension numbers the first mask covers (1..1023; bit 0 says the mask is valid). */
const MASK1_BITS = 32 * 32;

/** `VK_MAKE_API_VERSION(0, major, minor, patch)` of a dotted version. */
export function vkApiVersion(dotted: string): number {
  const [major = 0, minor = 0, patch = 0] = dotted.split(".").map(Number);
  return ((major << 22) | (minor << 12) | patch) >>> 0;
}

/**
 * The venus capset: versions from the generator's inputs (wire format, vk.xml, the two venus extensions' spec
 * versions), blob id 0 and multiple timelines served, guest waits allowed, and an extension mask of the extensions
 * whose commands are all executed (`extensions`, default {@link venusExecutedExtensions}).
 */
export function venusCapset(extensions: readonly string[] = venusExecutedExtensions()): Uint8Array {
  const words = new Uint32Array(VENUS_CAPSET_WORDS);
  const spec = (name: string) => VENUS_EXTENSIONS.find(([n]) => n === name)?.[2] ?? 0;
  words[VenusCapsetWord.WireFormatVersion] = WIRE_SOURCE.wireFormatVersion;
  words[VenusCapsetWord.VkXmlVersion] = vkApiVersion(WIRE_SOURCE.vkXml);
  words[VenusCapsetWord.CommandSerializationSpecVersion] = spec("VK_EXT_command_serialization");
  words[VenusCapsetWord.VenusProtocolSpecVersion] = WIRE_SOURCE.venusProtocolSpecVersion;
  words[VenusCapsetWord.SupportsBlobId0] = 1;
  // Bit 0 of the first mask word marks the mask valid (otherwise every extension counts as supported).
  words[VenusCapsetWord.ExtensionMask1] = 1;
  const wanted = new Set(extensions);
  for (const [name, number] of VENUS_EXTENSIONS) {
    if (!wanted.has(name) || number <= 0 || number >= MASK1_BITS) continue;
    words[VenusCapsetWord.ExtensionMask1 + (number >>> 5)]! |= 1 << (number & 31);
  }
  words[VenusCapsetWord.AllowVkWaitSyncs] = 1;
  words[VenusCapsetWord.SupportsMultipleTimelines] = 1;
  words[VenusCapsetWord.UseGuestVram] = 0;
  return new Uint8Array(words.buffer);
}

/** The extension names a capset's mask lists (for tests and logs). */
export function venusCapsetExtensions(capset: Uint8Array): string[] {
  const words = new Uint32Array(capset.slice(0, VENUS_CAPSET_WORDS * 4).buffer);
  if ((words[VenusCapsetWord.ExtensionMask1]! & 1) === 0) return VENUS_EXTENSIONS.map(([n]) => n);
  return VENUS_EXTENSIONS.filter(
    ([, number]) =>
      number > 0 &&
      number < MASK1_BITS &&
      (words[VenusCapsetWord.ExtensionMask1 + (number >>> 5)]! & (1 << (number & 31))) !== 0,
  ).map(([n]) => n);
}
