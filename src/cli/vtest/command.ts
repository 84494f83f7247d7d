import { DEFAULT_VTEST_LIMITS, DEFAULT_VTEST_SOCKET } from "../../node/vtest/protocol.ts";
import { defineCommand } from "../command.ts";

/** The options `vtest` takes: virgl_test_server's, and ours. */
export const vtestOptions = {
  "socket-path": { type: "string", short: "s" },
  "max-shm-bytes": { type: "string" },
  "host-memory-limit": { type: "string" },
  verbose: { type: "boolean" },
  trace: { type: "string" },
  "no-fork": { type: "boolean" },
  "no-loop-or-fork": { type: "boolean" },
  "multi-clients": { type: "boolean" },
  "use-glx": { type: "boolean" },
  "use-egl-surfaceless": { type: "boolean" },
  "use-gles": { type: "boolean" },
  rendernode: { type: "string" },
  venus: { type: "boolean" },
  "render-server": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const help = (program: string) => `Usage: ${program} [--socket-path PATH] [options]

A vtest server for Mesa's virgl driver: run GL programs with GALLIUM_DRIVER=virpipe and they render through
rutabaga-ts's virgl component on this host's GL. Mesa 22.3 always connects to ${DEFAULT_VTEST_SOCKET}.
Takes virgl_test_server's options; every client gets its own library instance whichever is given.

  -s, --socket-path PATH       listen on PATH (default ${DEFAULT_VTEST_SOCKET}); a path another live server
                               listens on is refused, a stale socket file is replaced
      --max-shm-bytes N        shared memory per client (default ${DEFAULT_VTEST_LIMITS.maxShmBytes})
      --host-memory-limit N    host memory for one client's resources (default ${DEFAULT_VTEST_LIMITS.hostMemoryLimit})
      --verbose                log clients that connect, leave or are dropped, and the commands each one sent that
                               were counted but not executed
      --trace DIR              record each client's session as a virtio-gpu trace, DIR/client-N.trace, written
                               when it leaves (replay with 'rutabaga-ts replay', --readback writes what it read)

virgl_test_server's options:
      --no-fork                no-op: clients are served in this process, each isolated in its own instance
      --no-loop-or-fork        serve one client, then exit (the socket file goes when it connects)
      --multi-clients          no-op: clients are always served side by side (and kept apart)
      --use-egl-surfaceless    no-op: the host GL is always Mesa's surfaceless EGL display
      --rendernode PATH        render on the EGL device whose render node is PATH (default: Mesa's surfaceless
                               EGL display, which picks one); an unknown PATH exits 2 listing the devices
      --use-glx                refused: the host GL is EGL, not GLX
      --use-gles               refused: the host GL is desktop GL (core profile), not GLES
      --venus                  serve venus (Vulkan, capset 4) contexts on the host's Vulkan
      --render-server          no-op: only Venus contexts run in virglrenderer's render server
  -h, --help                   show this help

SIGTERM and SIGINT stop the server and remove the socket file.`;

/** `rutabaga-ts vtest`: serve Mesa's virpipe clients until SIGINT/SIGTERM. */
export const vtestCommand = defineCommand({
  summary: "serve Mesa's virgl driver (GALLIUM_DRIVER=virpipe) over the vtest protocol",
  options: vtestOptions,
  // virgl_test_server's [file] argument: refused by the runner with a reason.
  positionals: true,
  help,
  load: async () => (await import("./run.ts")).runVtest,
});
