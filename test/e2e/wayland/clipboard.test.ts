import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { WaylandProxy } from "../../../src/node/wayland-proxy/wayland-proxy.ts";
import { clipboardText } from "./clients/clipboard-text.ts";
import { WestonSession, westonWithProxy } from "./weston-session.ts";

// weston 10, x11 backend under Xvfb, kiosk shell (a wl_seat, so a data device and keyboard focus). Our two small
// clients (clients/clipboard-source.ts, clients/clipboard-receiver.ts) move clipboard text through a pipe, each one
// connected straight to weston or through the proxy.
const weston = new WestonSession("x11");
let proxy: WaylandProxy;
const logs: string[] = [];
const CLIENTS = join(import.meta.dirname, "clients");
const ROOT = join(import.meta.dirname, "../../..");
const LARGE = 200 * 1024;
const SHORT = 40;

westonWithProxy(weston, logs, (p) => {
  proxy = p;
});

/** What to add to an assertion message: the proxy's log and where weston's is. */
const context = () => `\nproxy log:\n${logs.join("\n")}\nweston log: ${join(weston.runtimeDir, "weston.log")}`;
const openFds = () => readdirSync("/proc/self/fd").length;

interface Client {
  child: ChildProcess;
  stdout: Buffer[];
  stderr: string[];
  exited: Promise<number | null>;
}

function startClient(file: string, args: string[], display: string): Client {
  const child = spawn(process.execPath, ["--import", "tsx", join(CLIENTS, file), ...args], {
    cwd: ROOT,
    env: weston.env(display),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const c: Client = { child, stdout: [], stderr: [], exited: new Promise((r) => child.once("close", r)) };
  child.stdout!.on("data", (d: Buffer) => c.stdout.push(d));
  child.stderr!.on("data", (d: Buffer) => c.stderr.push(String(d)));
  return c;
}

/** Resolves when `c` prints `line`; rejects after `ms` or when it exits first. */
async function waitForLine(c: Client, line: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  let exited = false;
  void c.exited.then(() => {
    exited = true;
  });
  while (!Buffer.concat(c.stdout).toString().includes(line)) {
    if (exited || Date.now() > end) {
      throw new Error(`${exited ? "exited" : "timed out"} before "${line}": ${c.stderr.join("")}${context()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The exit code, or a kill after `ms`. */
async function exitCode(c: Client, ms: number): Promise<number | null> {
  const timer = setTimeout(() => c.child.kill("SIGKILL"), ms);
  const code = await c.exited;
  clearTimeout(timer);
  return code;
}

async function stop(c: Client): Promise<void> {
  c.child.kill("SIGTERM");
  await exitCode(c, 5000);
}

async function until(done: () => boolean, what: () => string, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !done(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}${context()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The source sets the selection, then the receiver (mapped after it, so it takes keyboard focus) reads it; both
 * end, the proxy ends their sessions. Returns what the receiver printed and the proxy's counters moved meanwhile.
 */
async function transfer(
  label: string,
  minBytes: number,
  via: { source: "wl-host" | "wl-proxy"; receiver: "wl-host" | "wl-proxy" },
): Promise<{ text: Uint8Array; received: Buffer; toCompositor: number; toClient: number; notes: string }> {
  const text = clipboardText(label, minBytes);
  const fdsBefore = openFds();
  const before = { ...proxy.stats };
  const source = startClient("clipboard-source.ts", [label, String(minBytes)], via.source);
  let receiver: Client | undefined;
  try {
    await waitForLine(source, "selection set", 15000);
    receiver = startClient("clipboard-receiver.ts", [], via.receiver);
    const code = await exitCode(receiver, 15000);
    assert.equal(code, 0, `receiver: ${receiver.stderr.join("")}\nsource: ${source.stderr.join("")}${context()}`);
  } finally {
    if (receiver !== undefined) await stop(receiver);
    await stop(source);
  }
  await until(
    () => proxy.clients === 0,
    () => `the proxy's sessions to end (${proxy.clients} left)`,
  );
  await until(
    () => openFds() === fdsBefore,
    () => `the proxy's descriptors to go (before ${fdsBefore}, now ${openFds()})`,
  );
  const notes = `\nsource: ${source.stderr.join("")}\nreceiver: ${receiver.stderr.join("")}${context()}`;
  return {
    notes,
    text,
    received: Buffer.concat(receiver.stdout),
    toCompositor: proxy.stats.pipeBytesToCompositor - before.pipeBytesToCompositor,
    toClient: proxy.stats.pipeBytesToClient - before.pipeBytesToClient,
  };
}

test("clipboard on weston x11 + kiosk: direct source to direct receiver, 200 KiB of UTF-8 through one pipe", async () => {
  const r = await transfer("direct-direct", LARGE, { source: "wl-host", receiver: "wl-host" });
  assert.ok(r.received.equals(r.text), `received ${r.received.length} of ${r.text.length} bytes${r.notes}`);
  assert.equal(r.toCompositor + r.toClient, 0, "the proxy was not involved");
});

test("clipboard on weston x11 + kiosk: proxied source to direct receiver (the source writes into a write pipe)", async () => {
  const r = await transfer("proxied-source", LARGE, { source: "wl-proxy", receiver: "wl-host" });
  assert.ok(r.received.equals(r.text), `received ${r.received.length} of ${r.text.length} bytes${r.notes}`);
  // Twice: weston's clipboard manager reads a new selection once when it is set, then the receiver asks for it.
  assert.equal(r.toCompositor, 2 * r.text.length, `bytes that went out as WRITEs${r.notes}`);
  assert.equal(r.toClient, 0);
});

test("clipboard on weston x11 + kiosk: direct source to proxied receiver (the receiver's pipe is a read pipe)", async () => {
  const r = await transfer("proxied-receiver", LARGE, { source: "wl-host", receiver: "wl-proxy" });
  assert.ok(r.received.equals(r.text), `received ${r.received.length} of ${r.text.length} bytes${r.notes}`);
  assert.equal(r.toClient, r.text.length, `bytes that came back as READs${r.notes}`);
  assert.equal(r.toCompositor, 0);
});

test("clipboard on weston x11 + kiosk: proxied source to proxied receiver, a short text", async () => {
  const r = await transfer("both-proxied", SHORT, { source: "wl-proxy", receiver: "wl-proxy" });
  assert.ok(r.received.equals(r.text), `received "${r.received}"${r.notes}`);
  assert.equal(r.toClient, r.text.length, r.notes);
  assert.equal(r.toCompositor, 2 * r.text.length, r.notes);
  assert.deepEqual(logs, []);
});
