import { RutabagaBlobFlags } from "../../rutabaga/constants.ts";
import { GpuCommandType } from "../../virtio-gpu/protocol.ts";
import { closeFd } from "../os/fd.ts";
import { createMemfd } from "../os/memfd.ts";
import { MemoryMapping } from "../os/memory-mapping.ts";
import type { ProxyContext } from "./proxy-context.ts";

/**
 * Memory the compositor sends (a keymap), item `itemId` of `size` bytes: a host blob for the item, mapped and copied
 * into a new memfd for the client (returned; the blob is gone again).
 */
export function compositorMemoryToMemfd(context: ProxyContext, itemId: number, size: number): number {
  const blob = context.mapHostBlob(BigInt(itemId), BigInt(size), RutabagaBlobFlags.UseMappable, false);
  try {
    const fd = createMemfd("wayland-proxy", size);
    try {
      const m = MemoryMapping.map(fd, size);
      m.bytes.set(blob.host);
      m.unmap();
    } catch (e) {
      closeFd(fd);
      throw e;
    }
    context.command({ type: GpuCommandType.ResourceUnmapBlob, resourceId: blob.resourceId });
    return fd;
  } finally {
    context.shared.regionAllocator.free(blob.offset);
    context.command({ type: GpuCommandType.ResourceUnref, resourceId: blob.resourceId });
  }
}
