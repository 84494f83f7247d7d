import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_VTEST_SOCKET } from "../../node/vtest/protocol.ts";
import { VtestServer } from "../../node/vtest/vtest-server.ts";
import { type CliRun, parseCount, UsageError } from "../command.ts";
import { renderNodeDevice, virglHostOptionsFromEnv } from "../virgl-host-options.ts";
import type { vtestOptions } from "./command.ts";

/** Serves Mesa's virpipe clients until SIGINT/SIGTERM (or the one client with `--no-loop-or-fork`). */
export const runVtest: CliRun<typeof vtestOptions> = async (values, positionals, program) => {
  if (positionals.length > 0) {
    throw new UsageError(`${positionals[0]}: replaying a vtest command file is not supported (no [file] argument)`);
  }
  if (values["use-glx"]) throw new UsageError("--use-glx: the host GL is EGL, not GLX");
  if (values["use-gles"]) throw new UsageError("--use-gles: the host GL is desktop GL (core profile), not GLES");
  const device =
    values.rendernode === undefined ? undefined : await renderNodeDevice("--rendernode", values.rendernode);
  const shm = values["max-shm-bytes"];
  const hostMemory = values["host-memory-limit"];
  const limits = {
    ...(shm !== undefined ? { maxShmBytes: parseCount(shm, "--max-shm-bytes", "bytes") } : {}),
    ...(hostMemory !== undefined ? { hostMemoryLimit: parseCount(hostMemory, "--host-memory-limit", "bytes") } : {}),
  };
  const traceDir = values.trace;
  if (traceDir !== undefined) {
    // Checked before listening: a folder that cannot be made is found now, not when the first client leaves.
    try {
      mkdirSync(traceDir, { recursive: true });
    } catch (e) {
      throw new UsageError(`--trace ${traceDir}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const onTrace =
    traceDir === undefined
      ? undefined
      : (id: number, trace: Uint8Array, untraced: number) => {
          const file = join(traceDir, `client-${id}.trace`);
          try {
            writeFileSync(file, trace);
            if (untraced > 0) console.error(`${program}: ${file}: ${untraced} inline transfer(s) could not be traced`);
          } catch (e) {
            console.error(`${program}: ${file}: ${e instanceof Error ? e.message : String(e)}`);
          }
        };
  const path = values["socket-path"] ?? DEFAULT_VTEST_SOCKET;
  const single = values["no-loop-or-fork"] === true;
  let server: VtestServer | undefined;
  let finish: (() => void) | undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  // Installed before the first accept: a signal at any time removes the socket file.
  const handlers = (["SIGINT", "SIGTERM"] as const).map((signal) => {
    const handler = () => finish!();
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  try {
    server = new VtestServer(path, {
      limits,
      virgl: { ...virglHostOptionsFromEnv(process.env), ...(device !== undefined ? { device } : {}) },
      venus: values.venus === true,
      log: values.verbose ? (m) => console.error(`${program}: ${m}`) : undefined,
      singleClient: single,
      onClientEnd: single ? () => finish!() : undefined,
      ...(onTrace !== undefined ? { onTrace } : {}),
    });
    console.log(`listening on ${server.path}`);
    await done;
    return 0;
  } finally {
    server?.close();
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  }
};
