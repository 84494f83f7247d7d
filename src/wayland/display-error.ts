import { waylandInterfaces } from "./protocol-table.ts";
import { encodeMessage, WAYLAND_MAX_MESSAGE_SIZE } from "./wire.ts";

/** `wl_display.error` codes (wayland.xml, `wl_display.error` enum). */
export const WaylandDisplayError = { InvalidObject: 0, InvalidMethod: 1, NoMemory: 2, Implementation: 3 } as const;

/** Room a message takes besides its text: header, object, code, string length and NUL, padding. */
const FIXED_BYTES = 8 + 4 + 4 + 4 + 4;

/**
 * A `wl_display.error` event (object 1, opcode 0): what a compositor sends before it drops a client, and what
 * libwayland clients print (`wl_display@1: error 3: ...`). The text is cut to fit one message.
 */
export function encodeDisplayError(objectId: number, code: number, message: string): Uint8Array {
  const error = waylandInterfaces().get("wl_display")!.events[0]!;
  const room = WAYLAND_MAX_MESSAGE_SIZE - FIXED_BYTES;
  let text = message;
  while (new TextEncoder().encode(text).length > room) text = text.slice(0, Math.floor(text.length / 2));
  return encodeMessage(1, 0, error, [objectId, code, text]);
}
