// Records the vtest trace fixtures (test/fixtures/vtest/piglit-*.trace.gz) and what each client read back
// (*.readbacks.gz, see test/node/vtest/readback-box.ts): one piglit test per server, through Mesa's virpipe driver
// (Debian 12's Mesa 22.3) against an in-process VtestServer that traces its client, in a mount namespace where the
// server's folder is /tmp (Mesa always connects to /tmp/.virgl_test). Usage: npx tsx scripts/record-vtest-trace.ts
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { VtestServer, virglRutabaga } from "../src/node/vtest/vtest-server.ts";
import type { IovecSource } from "../src/rutabaga/rutabaga.ts";
import { encodeReadBacks, packBox } from "../test/node/vtest/readback-box.ts";

const OUT = fileURLToPath(new URL("../test/fixtures/vtest", import.meta.url));
const PIGLIT_BIN = "/usr/lib/x86_64-linux-gnu/piglit/bin";
/** name → piglit command line: textures, uniform buffers, queries, stream output. */
const CLIENTS: Record<string, string> = {
  textures: "fbo-generatemipmap",
  ubo: "arb_uniform_buffer_object-rendering",
  queries: "arb_occlusion_query2-render",
  "stream-output": "ext_transform_feedback-position render",
};

for (const [name, command] of Object.entries(CLIENTS)) {
  const dir = mkdtempSync(join(tmpdir(), "rutabaga-vtest-record-"));
  let trace: Uint8Array | undefined;
  let untraced = 0;
  const live: { resourceId: number; bytes: Uint8Array }[] = [];
  const server = new VtestServer(join(dir, ".virgl_test"), {
    onTrace: (_id, t, u) => {
      trace = t;
      untraced = u;
    },
    // The live read-backs: the box each TRANSFER_GET2 wrote, taken from the client's shared memory right after.
    rutabaga: (fenceHandler, limit) => {
      const rb = virglRutabaga(fenceHandler, limit);
      const shm = new Map<number, Uint8Array>();
      const attach = rb.attachBacking.bind(rb);
      rb.attachBacking = (id: number, iovecs: IovecSource) => {
        attach(id, iovecs);
        shm.set(id, (iovecs as Uint8Array[])[0]!);
      };
      const transferRead = rb.transferRead.bind(rb);
      rb.transferRead = (ctxId, id, t, buf) => {
        transferRead(ctxId, id, t, buf);
        const view = shm.get(id);
        if (buf !== undefined || view === undefined) return;
        const info = rb.resourceInfo(id);
        const read = (offset: number, length: number) => view.slice(offset, offset + length);
        live.push({ resourceId: id, bytes: packBox(read, t, info.width, info.height, info.format ?? 0) });
      };
      return rb;
    },
  });
  const script = `mount --bind '${dir}' /tmp
export GALLIUM_DRIVER=virpipe PIGLIT_PLATFORM=surfaceless_egl
cd /tmp && timeout 120 ${PIGLIT_BIN}/${command} -auto -fbo 2>&1 | tail -n 1`;
  // The client runs while this process serves it, so it is waited for asynchronously.
  const out = await new Promise<string>((resolve) => {
    const child = spawn("unshare", ["-m", "--propagation", "private", "bash", "-c", script], { stdio: "pipe" });
    let text = "";
    child.stdout.on("data", (d) => {
      text += d;
    });
    child.stderr.on("data", (d) => {
      text += d;
    });
    child.on("exit", () => resolve(text));
  });
  for (let i = 0; i < 300 && trace === undefined; i++) await new Promise((r) => setTimeout(r, 10));
  server.close();
  rmSync(dir, { recursive: true, force: true });
  if (trace === undefined) throw new Error(`${name}: no trace (${out})`);
  const gz = gzipSync(trace, { level: 9 });
  writeFileSync(join(OUT, `piglit-${name}.trace.gz`), gz);
  writeFileSync(join(OUT, `piglit-${name}.readbacks.gz`), gzipSync(encodeReadBacks(live), { level: 9 }));
  console.log(
    `${name} (${command}): ${out.trim()}; trace ${trace.length} bytes, ${gz.length} gzipped; ${live.length} read-backs; ${untraced} untraced`,
  );
}
