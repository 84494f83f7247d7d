import { existsSync } from "node:fs";
import {
  decodeVenusCommand,
  type VenusCommand,
  venusCommandBytes,
  venusCommandType,
} from "../../../src/components/venus/wire-codec.ts";
import { VenusWireReader } from "../../../src/components/venus/wire-stream.ts";
import { VulkanLibrary } from "../../../src/node/vulkan/vulkan-library.ts";

/** This machine's lavapipe manifest, which the tests pin the loader to. */
const LAVAPIPE = "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json";

/** The host's Vulkan pinned to lavapipe, or why it cannot be used here. */
export function hostVulkan(): VulkanLibrary | string {
  if (!existsSync(LAVAPIPE)) return `no lavapipe (${LAVAPIPE}): install mesa-vulkan-drivers`;
  process.env.VK_DRIVER_FILES = LAVAPIPE;
  try {
    return VulkanLibrary.load();
  } catch (e) {
    return (e as Error).message;
  }
}

/** A command's venus bytes, as Mesa's encoder writes them. */
export function commandBytes(name: string, args: Record<string, unknown>, flags = 1): Uint8Array {
  const type = venusCommandType(name);
  if (type === undefined) throw new Error(`${name}: no venus command`);
  return venusCommandBytes(type, flags, args);
}

/** A command as the executor receives it: encoded, then decoded. */
export function command(name: string, args: Record<string, unknown>): VenusCommand {
  return decodeVenusCommand(new VenusWireReader(commandBytes(name, args)));
}

/** vkCreateInstance's arguments for an instance of id `id`. */
export function createInstanceArgs(id: number): Record<string, unknown> {
  return {
    pCreateInfo: {
      sType: 1,
      pNext: null,
      flags: 0,
      pApplicationInfo: {
        sType: 0,
        pNext: null,
        pApplicationName: "venus test",
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
    pInstance: id,
  };
}

/** vkCreateDevice's arguments: one queue of family 0. */
export function createDeviceArgs(physicalDevice: number, id: number): Record<string, unknown> {
  return {
    physicalDevice,
    pCreateInfo: {
      sType: 3,
      pNext: null,
      flags: 0,
      queueCreateInfoCount: 1,
      pQueueCreateInfos: [
        {
          sType: 2,
          pNext: null,
          flags: 0,
          queueFamilyIndex: 0,
          queueCount: 1,
          pQueuePriorities: new Float32Array([1]),
        },
      ],
      enabledLayerCount: 0,
      ppEnabledLayerNames: null,
      enabledExtensionCount: 0,
      ppEnabledExtensionNames: null,
      pEnabledFeatures: null,
    },
    pAllocator: null,
    pDevice: id,
  };
}
