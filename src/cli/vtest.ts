import { parseArgs } from "node:util";
import { DEFAULT_VTEST_LIMITS, DEFAULT_VTEST_SOCKET } from "../node/vtest/protocol.ts";
import { VtestServer } from "../node/vtest/vtest-server.ts";
import type { CliCommand } from "./command.ts";

const HELP = `Usage: rutabaga-ts vtest [--socket-path PATH] [options]

A vtest server for Mesa's virgl driver: run GL programs with GALLIUM_DRIVER=virpipe and they render through
rutabaga-ts's virgl component on this host's GL. Mesa 22.3 always connects to ${DEFAULT_VTEST_SOCKET}.

  -s, --socket-path PATH       listen on PATH (default ${DEFAULT_VTEST_SOCKET})
      --max-shm-bytes N        shared memory per client (default ${DEFAULT_VTEST_LIMITS.maxShmBytes})
      --host-memory-limit N    host memory for one client's resources (default ${DEFAULT_VTEST_LIMITS.hostMemoryLimit})
  -v, --verbose                log clients that connect, leave or are dropped`;

/** `rutabaga-ts vtest`: serve Mesa's virpipe clients until SIGINT/SIGTERM. */
export const vtestCommand: CliCommand = {
  summary: "serve Mesa's virgl driver (GALLIUM_DRIVER=virpipe) over the vtest protocol",
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        "socket-path": { type: "string", short: "s" },
        "max-shm-bytes": { type: "string" },
        "host-memory-limit": { type: "string" },
        verbose: { type: "boolean", short: "v" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const number = (text: string | undefined, name: string): number | undefined => {
      if (text === undefined) return undefined;
      const n = Number(text);
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} ${text}: bytes`);
      return n;
    };
    const limits = {
      ...(values["max-shm-bytes"] !== undefined
        ? { maxShmBytes: number(values["max-shm-bytes"], "max-shm-bytes")! }
        : {}),
      ...(values["host-memory-limit"] !== undefined
        ? { hostMemoryLimit: number(values["host-memory-limit"], "host-memory-limit")! }
        : {}),
    };
    const path = values["socket-path"] ?? DEFAULT_VTEST_SOCKET;
    const server = new VtestServer(path, {
      limits,
      log: values.verbose ? (m) => console.error(`rutabaga-ts vtest: ${m}`) : undefined,
    });
    console.log(`listening on ${server.path}`);
    await new Promise<void>((resolve) => {
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
          server.close();
          resolve();
        });
      }
    });
    return 0;
  },
};
