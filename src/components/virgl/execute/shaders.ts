import type { VirglCmd } from "../protocol/commands.ts";
import type { VirglShaderContinuation, VirglShaderStart } from "../protocol/objects/shader.ts";
import { invalid, type VirglRefusal } from "../protocol/refusal.ts";
import type { VirglCommandOf } from "../protocol/typed-commands.ts";
import { VirglShader } from "../state/shader.ts";
import type { VirglExecution } from "./execution.ts";
import type { ExecuteResult } from "./executor.ts";

/** Most bytes of TGSI text one shader object may accumulate. */
export const MAX_SHADER_TEXT_BYTES = 1 << 20;

/**
 * Parses a complete shader's TGSI. A shader we cannot translate costs the guest that shader, not its connection:
 * it is stored refused (warned here), and draws using it are skipped.
 */
function parseComplete(x: VirglExecution, handle: number, shader: VirglShader): void {
  shader.parse();
  if (shader.parseError !== undefined) x.warn(`shader ${handle} refused: ${shader.parseError}`);
}

/** The stored shader of a first CREATE_OBJECT(SHADER) chunk; its TGSI is parsed at once when it is complete. */
export function startShader(x: VirglExecution, handle: number, desc: VirglShaderStart): VirglShader | VirglRefusal {
  if (desc.text.byteLength > MAX_SHADER_TEXT_BYTES) return invalid("shader text too long");
  const shader = new VirglShader(desc);
  if (shader.complete) parseComplete(x, handle, shader);
  return shader;
}

/** A later chunk of shader `c.handle`: appended (and charged); the TGSI is parsed when the last chunk arrives. */
export function continueShader(
  x: VirglExecution,
  c: VirglCommandOf<typeof VirglCmd.CreateObject>,
  desc: VirglShaderContinuation,
): ExecuteResult {
  const existing = x.sub.objects.get(c.handle);
  if (existing === undefined || !(existing.state instanceof VirglShader)) {
    return invalid(`continuation of unknown shader ${c.handle}`);
  }
  const shader = existing.state;
  if (shader.receivedBytes + desc.text.byteLength > MAX_SHADER_TEXT_BYTES) return invalid("shader text too long");
  const reserved = x.reserveBytes(desc.text.byteLength);
  if (reserved !== undefined) return reserved;
  shader.append(desc.text);
  existing.bytes += desc.text.byteLength;
  existing.commands.push(x.currentCommand());
  if (shader.complete) parseComplete(x, c.handle, shader);
  return undefined;
}
