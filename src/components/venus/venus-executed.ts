import { venusCommandType } from "./wire-codec.ts";
import { COMMANDS, FEATURE_COMMANDS, VENUS_EXTENSIONS } from "./wire-tables.generated.ts";

/**
 * How the executor runs one command beyond what the tables say (handle types come from `HANDLE_TYPES`): the output
 * handle parameter that creates objects and the parameter naming their parent, the parameter whose object a destroy
 * removes.
 */
export interface VenusExecutedCommand {
  readonly name: string;
  /** An output handle parameter (a pointer or an array) and the parameter naming the new objects' parent. */
  readonly creates?: { readonly param: string; readonly parent?: string };
  /** The parameter whose object (and its children) the command destroys. */
  readonly destroys?: string;
}

/** Commands the venus protocol defines for itself; the executor runs them without a host call. */
export const VENUS_PROTOCOL_COMMANDS: readonly string[] = [
  "vkSetReplyCommandStreamMESA",
  "vkSeekReplyCommandStreamMESA",
  "vkExecuteCommandStreamsMESA",
  "vkCreateRingMESA",
  "vkDestroyRingMESA",
  "vkNotifyRingMESA",
  "vkWriteRingExtraMESA",
  "vkSubmitVirtqueueSeqnoMESA",
  "vkWaitVirtqueueSeqnoMESA",
  "vkWaitRingSeqnoMESA",
];

const query = (name: string): VenusExecutedCommand => ({ name });
/** `vkCreateX(device, pCreateInfo, pAllocator, pX)` and `vkDestroyX(device, x, pAllocator)`. */
const createDestroy = (object: string, param: string, create = `vkCreate${object}`, destroy = `vkDestroy${object}`) => [
  { name: create, creates: { param: `p${object}`, parent: "device" } },
  { name: destroy, destroys: param },
];

/** Vulkan commands the executor makes on the host's Vulkan (instance, physical-device queries, devices, queues). */
export const VENUS_HOST_COMMANDS: readonly VenusExecutedCommand[] = [
  query("vkEnumerateInstanceVersion"),
  query("vkEnumerateInstanceExtensionProperties"),
  query("vkEnumerateInstanceLayerProperties"),
  { name: "vkCreateInstance", creates: { param: "pInstance" } },
  { name: "vkDestroyInstance", destroys: "instance" },
  { name: "vkEnumeratePhysicalDevices", creates: { param: "pPhysicalDevices", parent: "instance" } },
  // The groups' physical devices come back as the ids vkEnumeratePhysicalDevices gave them.
  query("vkEnumeratePhysicalDeviceGroups"),
  query("vkGetPhysicalDeviceProperties"),
  query("vkGetPhysicalDeviceProperties2"),
  query("vkGetPhysicalDeviceFeatures"),
  query("vkGetPhysicalDeviceFeatures2"),
  query("vkGetPhysicalDeviceFormatProperties"),
  query("vkGetPhysicalDeviceFormatProperties2"),
  query("vkGetPhysicalDeviceImageFormatProperties"),
  query("vkGetPhysicalDeviceImageFormatProperties2"),
  query("vkGetPhysicalDeviceQueueFamilyProperties"),
  query("vkGetPhysicalDeviceQueueFamilyProperties2"),
  query("vkGetPhysicalDeviceMemoryProperties"),
  query("vkGetPhysicalDeviceMemoryProperties2"),
  query("vkGetPhysicalDeviceSparseImageFormatProperties"),
  query("vkGetPhysicalDeviceSparseImageFormatProperties2"),
  query("vkGetPhysicalDeviceExternalBufferProperties"),
  query("vkGetPhysicalDeviceExternalSemaphoreProperties"),
  query("vkGetPhysicalDeviceExternalFenceProperties"),
  query("vkEnumerateDeviceExtensionProperties"),
  query("vkEnumerateDeviceLayerProperties"),
  { name: "vkCreateDevice", creates: { param: "pDevice", parent: "physicalDevice" } },
  { name: "vkDestroyDevice", destroys: "device" },
  { name: "vkGetDeviceQueue", creates: { param: "pQueue", parent: "device" } },
  { name: "vkGetDeviceQueue2", creates: { param: "pQueue", parent: "device" } },
  query("vkDeviceWaitIdle"),
  query("vkQueueWaitIdle"),
  ...createDestroy("CommandPool", "commandPool"),
  ...createDestroy("Image", "image"),
  ...createDestroy("Buffer", "buffer"),
  ...createDestroy("Fence", "fence"),
  ...createDestroy("Semaphore", "semaphore"),
  ...createDestroy("Event", "event"),
  query("vkGetImageMemoryRequirements"),
  query("vkGetImageMemoryRequirements2"),
  query("vkGetBufferMemoryRequirements"),
  query("vkGetBufferMemoryRequirements2"),
  query("vkGetImageSubresourceLayout"),
];

/** The command that destroys an object of a handle type (none: it goes with its parent). */
export function venusDestroyCommand(handleType: string): string | undefined {
  switch (handleType) {
    case "VkPhysicalDevice":
    case "VkQueue":
    case "VkCommandBuffer":
    case "VkDescriptorSet":
      return undefined;
    case "VkDeviceMemory":
      return "vkFreeMemory";
    default:
      return `vkDestroy${handleType.slice(2)}`;
  }
}

/** Every executed command's type number (protocol and host commands). */
export const VENUS_EXECUTED_TYPES: ReadonlySet<number> = new Set(
  [...VENUS_PROTOCOL_COMMANDS, ...VENUS_HOST_COMMANDS.map((c) => c.name)].map((n) => {
    const t = venusCommandType(n);
    if (t === undefined) throw new Error(`${n} is not a venus command`);
    return t;
  }),
);

/** Whether command `name` (canonical or vk.xml alias) is executed. */
export function venusExecutes(name: string): boolean {
  const t = venusCommandType(name);
  return t !== undefined && VENUS_EXECUTED_TYPES.has(t);
}

/**
 * The venus extensions whose every command is executed (an extension of structs only, such as a features or
 * properties struct, qualifies: its structs travel through the generic pNext marshalling).
 */
export function venusExecutedExtensions(): string[] {
  return VENUS_EXTENSIONS.map(([name]) => name).filter((name) =>
    (FEATURE_COMMANDS[name] ?? []).every((c) => venusExecutes(c)),
  );
}

/** Executed versus numbered commands, for the coverage figure. */
export function venusExecutionCoverage(): { numbered: number; executed: number } {
  return { numbered: COMMANDS.length, executed: VENUS_EXECUTED_TYPES.size };
}
