import { defineCommand } from "../command.ts";

/** vhost-user.rst "Backend program conventions": virgl is served (`--virgl`); no render node is needed. */
export const VHOST_USER_GPU_CAPABILITIES = { type: "gpu", features: ["virgl"] as string[] };

/** The options `vhost-user-gpu` takes: QEMU's own vhost-user-gpu program's, and ours. */
export const vhostUserGpuOptions = {
  "socket-path": { type: "string", short: "s" },
  fd: { type: "string", short: "f" },
  "print-capabilities": { type: "boolean", short: "c" },
  "render-node": { type: "string", short: "r" },
  virgl: { type: "boolean", short: "v" },
  scanouts: { type: "string" },
  display: { type: "string", multiple: true },
  "host-memory-limit": { type: "string" },
  trace: { type: "string" },
  verbose: { type: "boolean" },
  version: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const help = (program: string) => `Usage: ${program} (-s PATH | -f N) [options]
       ${program} -c

A vhost-user-gpu backend for QEMU's vhost-user-gpu-pci: serves one QEMU, exits 0 when it goes away. Takes the options
of QEMU's own vhost-user-gpu program.

  -s, --socket-path PATH     listen on PATH (created; prints "listening on PATH" when ready); a path another live
                             server listens on is refused, a stale socket file is replaced
  -f, --fd N                 use the connected vhost-user socket on descriptor N
  -c, --print-capabilities   print the backend's capabilities as JSON and exit (other options are ignored)
  -r, --render-node PATH     with --virgl, render on the EGL device whose render node is PATH (default: EGL's
                             surfaceless display, where Mesa picks the GPU or llvmpipe); an unknown PATH exits 2
                             listing the devices; ignored with a notice without --virgl (2D needs no GPU)
  -v, --virgl                3D for the guest's OpenGL: offers VIRGL (and EDID) with the VIRGL and VIRGL2 capsets,
                             renders through the host's GL, shows 3D scanouts as pixels read back per flush
      --scanouts N           number of outputs (default 1; QEMU's max_outputs must match)
      --display WxH          size of every output (repeat once per output for different sizes);
                             without it the sizes come from QEMU (xres/yres, default 1280x800)
      --host-memory-limit N  bytes of host memory for resources (default 268435456, QEMU's max_hostmem)
      --trace FILE           record every request for 'rutabaga-ts replay' (written when QEMU disconnects)
      --verbose              log the connection, its end, and guest and protocol errors to stderr
      --version              print the version
  -h, --help                 show this help

SIGTERM and SIGINT end the connection (or stop listening) and remove the socket file.

Example:
  ${program} --socket-path /tmp/gpu.sock &
  qemu-system-x86_64 -object memory-backend-memfd,id=mem,size=512M,share=on -machine q35,memory-backend=mem \\
      -chardev socket,id=vgpu,path=/tmp/gpu.sock -device vhost-user-gpu-pci,chardev=vgpu ...`;

/** `rutabaga-ts vhost-user-gpu`: the QEMU backend, the CLI's main job. */
export const vhostUserGpuCommand = defineCommand({
  summary: "serve QEMU's vhost-user-gpu-pci (the main job)",
  options: vhostUserGpuOptions,
  help,
  early(args) {
    // The backend-program conventions: --print-capabilities answers whatever else the command line holds.
    if (args.includes("-c") || args.includes("--print-capabilities")) {
      console.log(JSON.stringify(VHOST_USER_GPU_CAPABILITIES, null, 2));
      return 0;
    }
    return undefined;
  },
  load: async () => (await import("./run.ts")).runVhostUserGpu,
});
