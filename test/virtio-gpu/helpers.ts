import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import {
  FramebufferSink,
  MockGpuDriver,
  VirtioGpuDevice,
  type VirtioGpuDeviceOptions,
} from "../../src/virtio-gpu/index.ts";

/** A device with a framebuffer sink and a mock driver (indirect descriptors, as Linux negotiates them). */
export function setup(options: VirtioGpuDeviceOptions = {}, indirect = true) {
  const sink = new FramebufferSink();
  const logs: string[] = [];
  const device = new VirtioGpuDevice({ sink, log: (m) => logs.push(m), ...options });
  const driver = new MockGpuDriver(device, { indirect, eventIdx: true });
  return { sink, device, driver, logs };
}

/** A deterministic B8G8R8X8 test pattern: every pixel differs from its neighbours. */
export function pattern(width: number, height: number, seed = 0): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      out[i] = (x * 7 + seed) & 0xff;
      out[i + 1] = (y * 13 + seed) & 0xff;
      out[i + 2] = (x ^ y ^ seed) & 0xff;
      out[i + 3] = 0xff;
    }
  }
  return out;
}

/** Writes both images as PNG under test-output/<name>/ so a person can look at a mismatch. */
export function saveMismatch(
  name: string,
  width: number,
  height: number,
  expected: Uint8Array,
  actual: Uint8Array,
): string {
  const dir = join("test-output", name);
  mkdirSync(dir, { recursive: true });
  for (const [label, bgrx] of [
    ["expected", expected],
    ["actual", actual],
  ] as const) {
    const png = new PNG({ width, height });
    for (let i = 0; i < width * height * 4; i += 4) {
      png.data[i] = bgrx[i + 2]!;
      png.data[i + 1] = bgrx[i + 1]!;
      png.data[i + 2] = bgrx[i]!;
      png.data[i + 3] = 0xff;
    }
    writeFileSync(join(dir, `${label}.png`), PNG.sync.write(png));
  }
  return dir;
}

/** Compares frames byte for byte; on a difference writes both as PNG and throws naming the first bad pixel. */
export function assertFrame(
  name: string,
  width: number,
  height: number,
  expected: Uint8Array,
  actual: Uint8Array,
): void {
  if (expected.length === actual.length && Buffer.from(expected).equals(Buffer.from(actual))) return;
  let i = 0;
  while (i < expected.length && expected[i] === actual[i]) i++;
  const dir = saveMismatch(name, width, height, expected, actual);
  const px = i >> 2;
  throw new Error(`frame differs first at pixel (${px % width}, ${Math.floor(px / width)}); images in ${dir}`);
}
