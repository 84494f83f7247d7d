import { decodeTrace, TraceRecorder } from "../../src/virtio-gpu/index.ts";

const PAGE = 4096;

/**
 * Drops the parts of a trace's memory records that write what guest memory already holds at that point of the replay
 * (a fresh replay's memory is zero), in 4 KiB-aligned pieces: the replay executes the same requests on the same bytes.
 */
export function trimTrace(trace: Uint8Array): Uint8Array {
  const { header, records } = decodeTrace(trace);
  const pages = new Map<bigint, Uint8Array>();
  const out = new TraceRecorder(header);
  for (const r of records) {
    if (r.kind === "request") out.request(r.queueIndex, r.bytes);
    else if (r.kind === "display") out.displayChanged(r.scanouts);
    else {
      let at = 0;
      while (at < r.bytes.length) {
        const addr = r.addr + BigInt(at);
        const page = addr / BigInt(PAGE);
        const offset = Number(addr % BigInt(PAGE));
        const piece = r.bytes.subarray(at, at + Math.min(PAGE - offset, r.bytes.length - at));
        let held = pages.get(page);
        if (held === undefined) {
          held = new Uint8Array(PAGE);
          pages.set(page, held);
        }
        const current = held.subarray(offset, offset + piece.length);
        if (!current.every((b, i) => b === piece[i])) {
          current.set(piece);
          out.memory(addr, piece);
        }
        at += piece.length;
      }
    }
  }
  return out.finish();
}
