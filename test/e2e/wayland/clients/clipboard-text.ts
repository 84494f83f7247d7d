/** The one mime type the clipboard test clients offer and ask for. */
export const CLIPBOARD_MIME = "text/plain;charset=utf-8";

/**
 * Deterministic clipboard text of at least `minBytes` UTF-8 bytes, every line numbered and tagged with `label`, with
 * two-, three- and four-byte characters (so chunk boundaries fall inside characters).
 */
export function clipboardText(label: string, minBytes: number): Uint8Array {
  const lines: string[] = [];
  let bytes = 0;
  for (let i = 0; bytes < minBytes; i++) {
    const line = `${label} ${i}: grüße, déjà vu, 日本語のテキスト, 🥕 rutabaga ${"·".repeat(i % 7)}\n`;
    lines.push(line);
    bytes += Buffer.byteLength(line);
  }
  return new TextEncoder().encode(lines.join(""));
}
