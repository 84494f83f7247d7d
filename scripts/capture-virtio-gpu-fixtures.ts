// Records requests an unmodified Linux guest sends (QEMU + our vhost-user-gpu backend with --trace) and writes the
// first of each kind the golden tests need into test/fixtures/virtio-gpu/. Needs what the QEMU e2e test needs, and
// gcc for the small DRM cursor client (test/e2e/qemu/cursor-client.c). Run: npx tsx scripts/capture-virtio-gpu-fixtures.ts
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GpuCommandType } from "../src/virtio-gpu/protocol.ts";
import { decodeTrace } from "../src/virtio-gpu/trace.ts";
import { buildInitramfs, prepareTools } from "./lib/guest-image.ts";
import { GuestSession } from "./lib/guest-session.ts";

const OUT = "test/fixtures/virtio-gpu";
const WANTED: Record<string, number> = {
  "get-display-info": GpuCommandType.GetDisplayInfo,
  "get-edid": GpuCommandType.GetEdid,
  "resource-create-2d": GpuCommandType.ResourceCreate2d,
  "resource-attach-backing": GpuCommandType.ResourceAttachBacking,
  "set-scanout": GpuCommandType.SetScanout,
  "transfer-to-host-2d": GpuCommandType.TransferToHost2d,
  "resource-flush": GpuCommandType.ResourceFlush,
  "update-cursor": GpuCommandType.UpdateCursor,
  "move-cursor": GpuCommandType.MoveCursor,
};

const work = mkdtempSync(join(tmpdir(), "rutabaga-capture-"));
const cursorClient = join(work, "cursor-client");
execFileSync("gcc", ["-static", "-O2", "-o", cursorClient, "test/e2e/qemu/cursor-client.c"]);
const tools = prepareTools();
const frame = new Uint8Array(1280 * 800 * 4).fill(0x5a);
const initramfs = buildInitramfs(tools, { "frame.raw": frame, "cursor-client": readFileSync(cursorClient) });
const tracePath = join(work, "linux.trace");
const guest = new GuestSession();
try {
  await guest.start(tools, initramfs, "ours", 90_000, [], ["--trace", tracePath]);
  await guest.run("echo 0 > /sys/class/vtconsole/vtcon1/bind");
  await guest.run("cat /data/frame.raw > /dev/fb0; sleep 1");
  const cursor = await guest.run("chmod +x /data/cursor-client && /data/cursor-client");
  if (cursor.rc !== 0) throw new Error(`cursor client failed: ${cursor.out}`);
} finally {
  await guest.stop();
}
const { records } = decodeTrace(readFileSync(tracePath));
mkdirSync(OUT, { recursive: true });
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
for (const [name, type] of Object.entries(WANTED)) {
  const found = records.find(
    (r) => r.kind === "request" && r.bytes.length >= 4 && view(r.bytes).getUint32(0, true) === type,
  );
  if (found === undefined || found.kind !== "request") {
    console.log(`${name}: not sent by the guest`);
    continue;
  }
  writeFileSync(join(OUT, `${name}.bin`), found.bytes);
  console.log(`${name}: ${found.bytes.length} bytes on queue ${found.queueIndex}`);
}
rmSync(work, { recursive: true, force: true });
