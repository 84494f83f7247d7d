import { DEFAULT_VTEST_LIMITS, DEFAULT_VTEST_SOCKET } from "../node/vtest/protocol.ts";
import { VtestServer } from "../node/vtest/vtest-server.ts";
import { type CliCommand, parseCommandLine, parseCount, UsageError } from "./command.ts";
import { renderNodeDevice, virglHostOptionsFromEnv } from "./virgl-host-options.ts";

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

virgl_test_server's options:
      --no-fork                no-op: clients are served in this process, each isolated in its own instance
      --no-loop-or-fork        serve one client, then exit (the socket file goes when it connects)
      --multi-clients          no-op: clients are always served side by side (and kept apart)
      --use-egl-surfaceless    no-op: the host GL is always Mesa's surfaceless EGL display
      --rendernode PATH        render on the EGL device whose render node is PATH (default: Mesa's surfaceless
                               EGL display, which picks one); an unknown PATH exits 2 listing the devices
      --use-glx                refused: the host GL is EGL, not GLX
      --use-gles               refused: the host GL is desktop GL (core profile), not GLES
      --venus                  refused: there is no Venus (Vulkan) component
      --render-server          no-op: only Venus contexts run in virglrenderer's render server
  -h, --help                   show this help

SIGTERM and SIGINT stop the server and remove the socket file.`;

/** `rutabaga-ts vtest`: serve Mesa's virpipe clients until SIGINT/SIGTERM. */
export const vtestCommand: CliCommand = {
  summary: "serve Mesa's virgl driver (GALLIUM_DRIVER=virpipe) over the vtest protocol",
  async run(args, program) {
    const { values, positionals } = parseCommandLine({
      args,
      allowPositionals: true,
      options: {
        "socket-path": { type: "string", short: "s" },
        "max-shm-bytes": { type: "string" },
        "host-memory-limit": { type: "string" },
        verbose: { type: "boolean" },
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
      },
    });
    if (values.help) {
      console.log(help(program));
      return 0;
    }
    if (positionals.length > 0) {
      throw new UsageError(`${positionals[0]}: replaying a vtest command file is not supported (no [file] argument)`);
    }
    if (values["use-glx"]) throw new UsageError("--use-glx: the host GL is EGL, not GLX");
    if (values["use-gles"]) throw new UsageError("--use-gles: the host GL is desktop GL (core profile), not GLES");
    if (values.venus) throw new UsageError("--venus: there is no Venus (Vulkan) component");
    const device =
      values.rendernode === undefined ? undefined : await renderNodeDevice("--rendernode", values.rendernode);
    const shm = values["max-shm-bytes"];
    const hostMemory = values["host-memory-limit"];
    const limits = {
      ...(shm !== undefined ? { maxShmBytes: parseCount(shm, "--max-shm-bytes", "bytes") } : {}),
      ...(hostMemory !== undefined ? { hostMemoryLimit: parseCount(hostMemory, "--host-memory-limit", "bytes") } : {}),
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
        log: values.verbose ? (m) => console.error(`${program}: ${m}`) : undefined,
        singleClient: single,
        onClientEnd: single ? () => finish!() : undefined,
      });
      console.log(`listening on ${server.path}`);
      await done;
      return 0;
    } finally {
      server?.close();
      for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    }
  },
};
