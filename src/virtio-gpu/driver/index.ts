/** The guest driver's side of virtio-gpu as an interface, and a driver for a device in the same process. */
export {
  type GpuDriver,
  GpuDriverError,
  type GuestPages,
  type InProcessDriverOptions,
  VirtioGpuInProcessDriver,
} from "./virtio-gpu-driver.ts";
