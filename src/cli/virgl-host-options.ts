import type { EglDeviceChoice } from "../node/gl/egl-devices.ts";
import type { VirglHostOptions } from "../node/gl/virgl-factory.ts";
import { UsageError } from "./command.ts";

/**
 * The virgl host options the environment asks for. `GALLIUM_DRIVER=virpipe` is removed before the host GL opens:
 * it would make our own host GL a vtest client (from inside `rutabaga-ts vtest`, of this very process).
 * `RUTABAGA_VIRGL_LOG` (any value) prints shader variants that fail to translate, compile or link on stderr.
 */
export function virglHostOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): VirglHostOptions {
  return {
    ...(env.GALLIUM_DRIVER === "virpipe" ? { galliumDriver: "" } : {}),
    ...(env.RUTABAGA_VIRGL_LOG ? { warn: (m: string) => process.stderr.write(`rutabaga-ts virgl: ${m}\n`) } : {}),
  };
}

/**
 * The EGL device a `--rendernode PATH` option names, checked now so that a wrong PATH stops the command before it
 * serves anyone: a {@link UsageError} (exit 2) listing the devices there are.
 */
export async function renderNodeDevice(option: string, path: string): Promise<EglDeviceChoice> {
  const { eglDevices } = await import("../node/gl/egl-display.ts");
  const { describeEglDevices } = await import("../node/gl/egl-devices.ts");
  const devices = eglDevices();
  if (!devices.some((d) => d.renderNode === path)) {
    // One line, as every usage error.
    const list = describeEglDevices(devices)
      .split("\n")
      .map((l) => l.trim())
      .join("; ");
    throw new UsageError(`${option} ${path}: no EGL device has that render node; the EGL devices are: ${list}`);
  }
  return { renderNode: path };
}
