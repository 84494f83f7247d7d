import koffi from "koffi";
import { RutabagaError } from "../../rutabaga/error.ts";

const EGL_EXTENSIONS = 0x3055;
const EGL_DRM_DEVICE_FILE_EXT = 0x3233;
const EGL_DRM_RENDER_NODE_FILE_EXT = 0x3377;
/** Most devices listed; a host with more shows the first ones. */
const MAX_DEVICES = 32;

/** One EGL device (`EGL_EXT_device_enumeration`), as `eglQueryDeviceStringEXT` describes it. */
export interface EglDeviceInfo {
  /** Position in `eglQueryDevicesEXT`'s list. */
  readonly index: number;
  /** `EGL_DRM_RENDER_NODE_FILE_EXT`, e.g. `/dev/dri/renderD128`; undefined for a device without one. */
  readonly renderNode: string | undefined;
  /** `EGL_DRM_DEVICE_FILE_EXT` (the primary node), when the device has one. */
  readonly drmDevice: string | undefined;
  /** The device's extensions; `EGL_MESA_device_software` marks Mesa's software rasterizer. */
  readonly extensions: readonly string[];
  /** The `EGLDeviceEXT` handle, for `eglGetPlatformDisplay(EGL_PLATFORM_DEVICE_EXT, …)`. */
  readonly handle: unknown;
}

/** Which device a display opens: by render node path (what `--rendernode` names) or by list position. */
export type EglDeviceChoice = { readonly renderNode: string } | { readonly index: number };

interface DeviceFunctions {
  queryDevices: (max: number, devices: unknown[] | null, count: Int32Array) => number;
  queryDeviceString: (device: unknown, name: number) => string | null;
}

let deviceFunctions: DeviceFunctions | null | undefined;

function loadDeviceFunctions(getProcAddress: (name: string) => unknown): DeviceFunctions | null {
  if (deviceFunctions !== undefined) return deviceFunctions;
  const query = getProcAddress("eglQueryDevicesEXT");
  const queryString = getProcAddress("eglQueryDeviceStringEXT");
  if (!query || !queryString) {
    deviceFunctions = null;
    return null;
  }
  const decode = koffi.decode as (p: unknown, t: unknown) => (...args: unknown[]) => unknown;
  const devicesProto = koffi.proto(
    "uint32 rutabaga_eglQueryDevicesEXT(int32 max, _Out_ void **devices, _Out_ int32 *count)",
  );
  const stringProto = koffi.proto("const char *rutabaga_eglQueryDeviceStringEXT(void *device, int32 name)");
  const q = decode(query, devicesProto);
  const s = decode(queryString, stringProto);
  deviceFunctions = {
    queryDevices: (max, devices, count) => q(max, devices, count) as number,
    queryDeviceString: (device, name) => s(device, name) as string | null,
  };
  return deviceFunctions;
}

/**
 * The host's EGL devices (`EGL_EXT_device_enumeration`); empty when libEGL has no device extension.
 * `getProcAddress` is `eglGetProcAddress`.
 */
export function listEglDevices(getProcAddress: (name: string) => unknown): EglDeviceInfo[] {
  const f = loadDeviceFunctions(getProcAddress);
  if (f === null) return [];
  const count = new Int32Array(1);
  const handles: unknown[] = new Array(MAX_DEVICES).fill(null);
  if (!f.queryDevices(MAX_DEVICES, handles, count)) return [];
  const devices: EglDeviceInfo[] = [];
  for (let i = 0; i < Math.min(count[0]!, MAX_DEVICES); i++) {
    const handle = handles[i];
    const text = (name: number) => f.queryDeviceString(handle, name) ?? undefined;
    devices.push({
      index: i,
      renderNode: text(EGL_DRM_RENDER_NODE_FILE_EXT),
      drmDevice: text(EGL_DRM_DEVICE_FILE_EXT),
      extensions: (text(EGL_EXTENSIONS) ?? "").split(" ").filter((e) => e !== ""),
      handle,
    });
  }
  return devices;
}

/** One line per device, for a user choosing one. */
export function describeEglDevices(devices: readonly EglDeviceInfo[]): string {
  if (devices.length === 0) return "  (no EGL devices: libEGL lacks EGL_EXT_device_enumeration)";
  return devices
    .map((d) => {
      const kind = d.extensions.includes("EGL_MESA_device_software") ? "software rasterizer" : "hardware";
      return `  ${d.index}: ${d.renderNode ?? "(no render node)"}${d.drmDevice ? ` (${d.drmDevice})` : ""}, ${kind}`;
    })
    .join("\n");
}

/** The device `choice` names, or `RutabagaError("InvalidRutabagaBuild")` listing the devices there are. */
export function findEglDevice(devices: readonly EglDeviceInfo[], choice: EglDeviceChoice): EglDeviceInfo {
  const found = "index" in choice ? devices[choice.index] : devices.find((d) => d.renderNode === choice.renderNode);
  if (found !== undefined) return found;
  const what = "index" in choice ? `EGL device ${choice.index}` : `render node ${choice.renderNode}`;
  throw new RutabagaError("InvalidRutabagaBuild", `no ${what}; the EGL devices are:\n${describeEglDevices(devices)}`);
}
