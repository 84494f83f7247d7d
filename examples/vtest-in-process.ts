// Runs a vtest server inside this process and talks to it as Mesa's virpipe driver would: here only the version
// handshake and the capability query, through the package's own socket wrapper. Real clients are GL programs run with
// GALLIUM_DRIVER=virpipe (Mesa connects to /tmp/.virgl_test; pass that path to serve them).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CAPS2_REPLY_ID, UnixSocket, VtestCommand, VtestServer } from "rutabaga-ts/node";

const dir = mkdtempSync(join(tmpdir(), "rutabaga-vtest-"));
const server = new VtestServer(join(dir, "vtest.sock"), { log: (m) => console.log(`server: ${m}`) });

const { CreateRenderer: CREATE_RENDERER, PingProtocolVersion, ProtocolVersion, GetCaps2 } = VtestCommand;

/** `[length, command]` then the payload; CREATE_RENDERER's length is in bytes, every other in 32-bit words. */
function message(command: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, command === CREATE_RENDERER ? payload.length : payload.length / 4, true);
  v.setUint32(4, command, true);
  out.set(payload, 8);
  return out;
}

const client = UnixSocket.connect(server.path);
let received = new Uint8Array(0);
const chunk = new Uint8Array(65536);
let wake: (() => void) | undefined;
client.onReadable(() => {
  for (let r = client.recv(chunk); r !== undefined && r.bytes > 0; r = client.recv(chunk)) {
    const next = new Uint8Array(received.length + r.bytes);
    next.set(received);
    next.set(chunk.subarray(0, r.bytes), received.length);
    received = next;
  }
  wake?.();
});
/** The next reply: its header words and payload. */
async function reply(): Promise<{ length: number; command: number; payload: Uint8Array }> {
  for (;;) {
    if (received.length >= 8) {
      const v = new DataView(received.buffer, received.byteOffset);
      const length = v.getUint32(0, true);
      const command = v.getUint32(4, true);
      const bytes = command === CAPS2_REPLY_ID ? length - 1 : length * 4;
      if (received.length >= 8 + bytes) {
        const payload = received.slice(8, 8 + bytes);
        received = received.slice(8 + bytes);
        return { length, command, payload };
      }
    }
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
}

client.send(message(CREATE_RENDERER, new TextEncoder().encode("example\0")));
client.send(message(PingProtocolVersion, new Uint8Array(0)));
await reply();
client.send(message(ProtocolVersion, new Uint8Array(new Uint32Array([2]).buffer)));
const version = new DataView((await reply()).payload.buffer).getUint32(0, true);
client.send(message(GetCaps2, new Uint8Array(0)));
const caps = await reply();
console.log(`protocol version ${version}; virgl caps v2: ${caps.payload.length} bytes`);

client.close();
await new Promise((r) => setTimeout(r, 50));
server.close();
rmSync(dir, { recursive: true, force: true });
