import type { VirglHostOptions } from "../node/gl/virgl-factory.ts";

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
