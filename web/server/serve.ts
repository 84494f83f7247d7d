// `npm run demo`: bundles the pages' scripts with esbuild and serves web/ on loopback with the cross-origin isolation
// headers SharedArrayBuffer needs. Imported by the Chromium tests and the browser bench, which load the same pages.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
import { build } from "esbuild";

const WEB = fileURLToPath(new URL("..", import.meta.url));
const ROOT = resolve(WEB, "..");
/** The pages' scripts: each becomes bundles/<name>.js. */
const ENTRIES = ["player", "emulator", "device-worker", "driver-worker"];
/** Files served under fixtures/ (the recorded Linux session). */
const FIXTURES = join(ROOT, "test", "browser", "fixtures");
/** The kmscube guest's 3D session, served unpacked as fixtures/kmscube-virgl.trace (it plays on WebGL2). */
const KMSCUBE = join(ROOT, "test", "fixtures", "virtio-gpu", "kmscube-virgl.trace.gz");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".trace": "application/octet-stream",
  ".map": "application/json",
};

/** A running demo server. */
export interface DemoServer {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  close(): Promise<void>;
}

/** Bundles the pages' scripts (ES modules for the browser, source maps inline). */
export async function bundlePages(): Promise<Map<string, Uint8Array>> {
  const result = await build({
    entryPoints: Object.fromEntries(ENTRIES.map((e) => [e, join(WEB, `${e}.ts`)])),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    sourcemap: "inline",
    outdir: "bundles",
    write: false,
    logLevel: "silent",
  });
  return new Map(result.outputFiles.map((f) => [`bundles/${f.path.split("/").pop()}`, f.contents]));
}

/**
 * Serves web/ (pages), bundles/ (from {@link bundlePages}), fixtures/ and `extra` files (path → bytes) on
 * `127.0.0.1:port` (0: any free port). Every response carries COOP `same-origin` and COEP `require-corp`.
 */
export async function startDemoServer(
  port = 0,
  extra: ReadonlyMap<string, Uint8Array> = new Map(),
): Promise<DemoServer> {
  const bundles = await bundlePages();
  const kmscube = new Uint8Array(gunzipSync(readFileSync(KMSCUBE)));
  const server: Server = createServer((req, res) => {
    const path =
      decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname).replace(/^\/+/, "") || "index.html";
    let body: Uint8Array | undefined =
      bundles.get(path) ?? extra.get(path) ?? (path === "fixtures/kmscube-virgl.trace" ? kmscube : undefined);
    if (body === undefined) {
      const base = path.startsWith("fixtures/") ? FIXTURES : WEB;
      const file = normalize(join(base, path.replace(/^fixtures\//, "")));
      if (file.startsWith(join(base, sep)) && !file.endsWith(".ts")) {
        try {
          body = readFileSync(file);
        } catch {
          body = undefined;
        }
      }
    }
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Cross-Origin-Embedder-Policy", "require-corp");
    res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    res.setHeader("Cache-Control", "no-store");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { "Content-Type": "text/plain" }).end("GET or HEAD only\n");
      return;
    }
    if (body === undefined) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, { "Content-Type": TYPES[extname(path)] ?? "application/octet-stream" });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => done());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 8080);
  const demo = await startDemoServer(port);
  console.log(`rutabaga-ts demo on ${demo.url} (loopback only; Ctrl-C stops it)`);
  console.log(
    `  ${demo.url}emulator.html  a Linux guest session: device and driver in Web Workers over shared guest RAM`,
  );
  console.log(`  ${demo.url}player.html    the trace player (open, drop or ?trace=URL a trace file)`);
  console.log(`  ${demo.url}player.html?trace=fixtures/kmscube-virgl.trace  a guest's 3D (kmscube) on WebGL2`);
}
