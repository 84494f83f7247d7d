// Embeds the virtio-gpu device in an emulator's loop: guest RAM is one Uint8Array, the guest's driver publishes
// requests on the control queue, and on each notify the emulator runs the queue and raises an interrupt when asked.
// Here a small mock driver plays the guest; in an emulator the guest's own virtio-gpu driver does.
import {
  encodeRequest,
  FramebufferSink,
  type GpuCommand,
  GpuCommandType,
  GpuResponseType,
  GuestMemoryRegions,
  MockGuestRam,
  MockVirtqueueDriver,
  SplitVirtqueue,
  VirtioGpuDevice,
} from "rutabaga-ts/virtio-gpu";

const W = 64;
const H = 48;

// The emulator's side: guest RAM, the device, its control queue where the driver configured it.
const ram = new MockGuestRam(4 * 1024 * 1024);
const memory = new GuestMemoryRegions([{ guestAddr: ram.base, bytes: ram.bytes }]);
const sink = new FramebufferSink();
let interrupts = 0;
const gpu = new VirtioGpuDevice({ scanouts: [{ width: W, height: H }], sink, onQueueNotify: () => interrupts++ });
const guest = new MockVirtqueueDriver(ram, { size: 64 });
const controlq = new SplitVirtqueue(memory, guest.config);

/** What the emulator does when the guest writes the queue's notify register. */
function onNotify(): void {
  if (gpu.processQueue(0, controlq)) interrupts++;
}

// The guest's side: a framebuffer in its RAM, filled with a gradient, then the commands Linux sends to show it.
const fbAddr = ram.alloc(W * H * 4, 4096);
const fb = ram.view(fbAddr, W * H * 4);
for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) fb.set([x * 4, y * 5, 128, 0], (y * W + x) * 4); // B, G, R, X

const rect = { x: 0, y: 0, w: W, h: H };
const commands: GpuCommand[] = [
  { type: GpuCommandType.ResourceCreate2d, resourceId: 1, format: 2, width: W, height: H },
  { type: GpuCommandType.ResourceAttachBacking, resourceId: 1, entries: [{ addr: fbAddr, length: W * H * 4 }] },
  { type: GpuCommandType.TransferToHost2d, rect, offset: 0n, resourceId: 1 },
  { type: GpuCommandType.SetScanout, rect, scanoutId: 0, resourceId: 1 },
  { type: GpuCommandType.ResourceFlush, rect, resourceId: 1 },
];
for (const command of commands) {
  const chain = guest.add([encodeRequest(command)], [24]);
  onNotify();
  const used = guest.takeUsed().find((u) => u.head === chain.head);
  const response = new DataView(ram.view(chain.writable[0]!.addr, 24).slice().buffer).getUint32(0, true);
  if (used === undefined || response !== GpuResponseType.OkNodata)
    throw new Error(`command 0x${command.type.toString(16)}: response 0x${response.toString(16)}`);
}

const shown = sink.framebuffers[0]!;
const pixel = (x: number, y: number) => [...shown.pixels.subarray((y * W + x) * 4, (y * W + x) * 4 + 3)];
console.log(`scanout 0: ${shown.width}x${shown.height}, ${interrupts} interrupts`);
console.log(`pixel (10, 20) B,G,R = ${pixel(10, 20).join(",")}`);
if (pixel(10, 20).join(",") !== "40,100,128") throw new Error("the scanout does not show the guest's framebuffer");
