// A clipboard source: maps a toplevel, and when it gets keyboard focus sets the selection to a wl_data_source
// offering clipboardText(label, bytes). It writes the text into every fd a wl_data_source.send gives it, as a plain
// blocking writer (like `cat` behind wl-copy): a pipe that is non-blocking is reported and ends the program.
// Prints "selection set" once the compositor has the selection; runs until killed.
// Usage: node --import tsx clipboard-source.ts LABEL MIN_BYTES
import { closeFd } from "../../../../src/node/os/fd.ts";
import { errno, libc } from "../../../../src/node/os/libc.ts";
import { Errno } from "../../../../src/node/os/os-error.ts";
import { CLIPBOARD_MIME, clipboardText } from "./clipboard-text.ts";
import { fail, TestClient } from "./test-client.ts";

const [label = "clipboard", minBytes = "64"] = process.argv.slice(2);
const text = clipboardText(label, Number(minBytes));

/** Writes all of `text` into `fd`, then closes it. */
function writeAll(fd: number): void {
  let at = 0;
  while (at < text.length) {
    const n = libc().write(fd, text.subarray(at), text.length - at) as number;
    if (n >= 0) {
      at += n;
      continue;
    }
    const e = errno();
    if (e === Errno.EINTR) continue;
    if (e === Errno.EAGAIN) fail(`send: the pipe is non-blocking (EAGAIN after ${at} of ${text.length} bytes)`);
    if (e === Errno.EPIPE) {
      process.stderr.write(`send: the reader went away after ${at} bytes\n`);
      break;
    }
    fail(`send: write failed with errno ${e}`);
  }
  closeFd(fd);
}

const client = new TestClient();
await client.roundtrip();
const { seat, manager, device } = client.dataDevice();
client.on(device, () => {});
const keyboard = client.create("wl_keyboard");
client.request(seat, "get_keyboard", [keyboard]);
let selected = false;
client.on(keyboard, (event, v, fds) => {
  for (const fd of fds) closeFd(fd);
  if (event !== "enter" || selected) return;
  selected = true;
  const source = client.create("wl_data_source");
  client.request(manager, "create_data_source", [source]);
  client.request(source, "offer", [CLIPBOARD_MIME]);
  client.on(source, (ev, args, sent) => {
    if (ev === "send") {
      if (args[0] === CLIPBOARD_MIME) writeAll(sent[0]!);
      else closeFd(sent[0]!);
    } else if (ev === "cancelled") process.stderr.write("selection cancelled\n");
  });
  client.request(device, "set_selection", [source, v[0]!]);
  void client.roundtrip().then(() => process.stdout.write("selection set\n"));
});
await client.mapToplevel(`clipboard source ${label}`);
