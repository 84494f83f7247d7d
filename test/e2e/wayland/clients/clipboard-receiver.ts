// A clipboard receiver: keeps a wl_data_device, maps a toplevel; when focus brings a selection offering the text
// mime type it asks for it with wl_data_offer.receive on a pipe whose write end is blocking (as clients make them),
// reads the read end to its end, writes the bytes to stdout and exits 0.
// Usage: node --import tsx clipboard-receiver.ts
import { createPipe } from "../../../../src/node/cross-domain/pipe.ts";
import { closeFd } from "../../../../src/node/os/fd.ts";
import { watchFd } from "../../../../src/node/os/fd-watch.ts";
import { errno, LinuxConst, libc } from "../../../../src/node/os/libc.ts";
import { Errno } from "../../../../src/node/os/os-error.ts";
import { CLIPBOARD_MIME } from "./clipboard-text.ts";
import { fail, TestClient } from "./test-client.ts";

/** Reads `fd` (non-blocking) to its end from the event loop. */
function readToEnd(fd: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const buf = new Uint8Array(16 * 1024);
  return new Promise((resolve) => {
    const watch = watchFd(fd, { readable: true }, () => {
      for (;;) {
        const n = libc().read(fd, buf, buf.length) as number;
        if (n > 0) chunks.push(Buffer.from(buf.subarray(0, n)));
        else if (n === 0) {
          watch.stop();
          closeFd(fd);
          resolve(Buffer.concat(chunks));
          return;
        } else if (errno() === Errno.EAGAIN) return;
        else fail(`read failed with errno ${errno()}`);
      }
    });
  });
}

const client = new TestClient();
await client.roundtrip();
const { device } = client.dataDevice();
const offers = new Map<number, string[]>();
let receiving = false;
client.on(device, (event, v) => {
  if (event === "data_offer") {
    const offer = v[0] as number;
    offers.set(offer, []);
    client.on(offer, (ev, args) => {
      if (ev === "offer") offers.get(offer)?.push(args[0] as string);
    });
    return;
  }
  if (event !== "selection" || receiving) return;
  const offer = v[0] as number;
  if (offer === 0 || !offers.get(offer)?.includes(CLIPBOARD_MIME)) return;
  receiving = true;
  const [read, write] = createPipe();
  const flags = libc().fcntl(write, LinuxConst.F_GETFL, 0) as number;
  libc().fcntl(write, LinuxConst.F_SETFL, flags & ~LinuxConst.O_NONBLOCK);
  client.request(offer, "receive", [CLIPBOARD_MIME, "fd"], [write]);
  void readToEnd(read).then((text) => {
    process.stderr.write(`received ${text.length} bytes\n`);
    process.stdout.write(text, () => process.exit(0));
  });
});
await client.mapToplevel("clipboard receiver");
