import { venusCommandType } from "./wire-codec.ts";
import { COMMANDS, FEATURE_COMMANDS, VENUS_EXTENSIONS } from "./wire-tables.generated.ts";

/** Vulkan object kinds the executor tracks per context (only the kinds its commands create or take). */
export const VenusObjectKind = {
  Instance: "VkInstance",
  PhysicalDevice: "VkPhysicalDevice",
  Device: "VkDevice",
  Queue: "VkQueue",
} as const;
/** One of {@link VenusObjectKind}'s values. */
export type VenusObjectKind = (typeof VenusObjectKind)[keyof typeof VenusObjectKind];

/**
 * How the executor runs one command: the kind each handle parameter must name (checked before the host call), the
 * objects an output handle parameter creates (with the parameter naming their parent), the object a destroy removes.
 * The tables carry handles untyped (`h`), so this typing is the executor's own, per executed command.
 */
export interface VenusExecutedCommand {
  readonly name: string;
  /** Handle parameters read as inputs: parameter → kind. */
  readonly takes: Readonly<Record<string, VenusObjectKind>>;
  /** An output handle parameter (a pointer or an array) and what it creates, under the object `parent` names. */
  readonly creates?: { readonly param: string; readonly kind: VenusObjectKind; readonly parent?: string };
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

const I = VenusObjectKind.Instance;
const P = VenusObjectKind.PhysicalDevice;
const D = VenusObjectKind.Device;
const Q = VenusObjectKind.Queue;
const onPhysical = (name: string): VenusExecutedCommand => ({ name, takes: { physicalDevice: P } });

/** Vulkan commands the executor makes on the host's Vulkan (instance, physical-device queries, devices, queues). */
export const VENUS_HOST_COMMANDS: readonly VenusExecutedCommand[] = [
  { name: "vkEnumerateInstanceVersion", takes: {} },
  { name: "vkEnumerateInstanceExtensionProperties", takes: {} },
  { name: "vkEnumerateInstanceLayerProperties", takes: {} },
  { name: "vkCreateInstance", takes: {}, creates: { param: "pInstance", kind: I } },
  { name: "vkDestroyInstance", takes: { instance: I }, destroys: "instance" },
  {
    name: "vkEnumeratePhysicalDevices",
    takes: { instance: I },
    creates: { param: "pPhysicalDevices", kind: P, parent: "instance" },
  },
  // The groups' physical devices come back as the ids vkEnumeratePhysicalDevices gave them.
  { name: "vkEnumeratePhysicalDeviceGroups", takes: { instance: I } },
  onPhysical("vkGetPhysicalDeviceProperties"),
  onPhysical("vkGetPhysicalDeviceProperties2"),
  onPhysical("vkGetPhysicalDeviceFeatures"),
  onPhysical("vkGetPhysicalDeviceFeatures2"),
  onPhysical("vkGetPhysicalDeviceFormatProperties"),
  onPhysical("vkGetPhysicalDeviceFormatProperties2"),
  onPhysical("vkGetPhysicalDeviceImageFormatProperties"),
  onPhysical("vkGetPhysicalDeviceImageFormatProperties2"),
  onPhysical("vkGetPhysicalDeviceQueueFamilyProperties"),
  onPhysical("vkGetPhysicalDeviceQueueFamilyProperties2"),
  onPhysical("vkGetPhysicalDeviceMemoryProperties"),
  onPhysical("vkGetPhysicalDeviceMemoryProperties2"),
  onPhysical("vkGetPhysicalDeviceSparseImageFormatProperties"),
  onPhysical("vkGetPhysicalDeviceSparseImageFormatProperties2"),
  onPhysical("vkGetPhysicalDeviceExternalBufferProperties"),
  onPhysical("vkGetPhysicalDeviceExternalSemaphoreProperties"),
  onPhysical("vkGetPhysicalDeviceExternalFenceProperties"),
  onPhysical("vkEnumerateDeviceExtensionProperties"),
  onPhysical("vkEnumerateDeviceLayerProperties"),
  {
    name: "vkCreateDevice",
    takes: { physicalDevice: P },
    creates: { param: "pDevice", kind: D, parent: "physicalDevice" },
  },
  { name: "vkDestroyDevice", takes: { device: D }, destroys: "device" },
  { name: "vkGetDeviceQueue", takes: { device: D }, creates: { param: "pQueue", kind: Q, parent: "device" } },
  { name: "vkGetDeviceQueue2", takes: { device: D }, creates: { param: "pQueue", kind: Q, parent: "device" } },
  { name: "vkDeviceWaitIdle", takes: { device: D } },
  { name: "vkQueueWaitIdle", takes: { queue: Q } },
];

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
