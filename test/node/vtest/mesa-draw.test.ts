import assert from "node:assert/strict";
import { test } from "node:test";
import { DRAW_PIGLIT } from "./mesa-draw-list.ts";
import { PIGLIT_BIN, withVtestServer } from "./mesa-namespace.ts";

test("piglit's drawing tests pass through our vtest server", { timeout: 600_000 }, async () => {
  const script = DRAW_PIGLIT.map(
    (t) => `echo "@@${t} $(cd /tmp && timeout 120 ${PIGLIT_BIN}/${t} -auto -fbo 2>&1 | tail -n 1)"`,
  ).join("\n");
  const { out, serverLog } = await withVtestServer(script, 580_000);
  const failed = DRAW_PIGLIT.filter((t) => !new RegExp(`@@${t} PIGLIT: \\{"result": "pass" \\}`).test(out));
  assert.deepEqual(failed, [], `${out}\n${serverLog}`);
  assert.doesNotMatch(serverLog, /dropped/, serverLog);
});

/** Counts of each 24-bit colour in an X window dump (`xwd`, 32 bits per pixel, little-endian pixels). */
function xwdColours(bytes: Uint8Array): Map<number, number> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u = (i: number) => view.getUint32(i * 4, false);
  // XWDFileHeader: header_size, ..., pixmap_width (4), pixmap_height (5), bits_per_pixel (11), bytes_per_line (12), ncolors (19).
  const [headerSize, width, height, bpp, bytesPerLine, ncolors] = [u(0), u(4), u(5), u(11), u(12), u(19)];
  assert.equal(bpp, 32);
  const data = headerSize + ncolors * 12;
  const counts = new Map<number, number>();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const rgb = view.getUint32(data + y * bytesPerLine + x * 4, true) & 0xffffff;
      counts.set(rgb, (counts.get(rgb) ?? 0) + 1);
    }
  }
  return counts;
}

test("glxgears under Xvfb draws lit gears through our vtest server", { timeout: 120_000 }, async () => {
  // Xvfb inside the namespace (the bind mount on /tmp hides the machine's /tmp/.X11-unix), on its socket file only:
  // abstract sockets are shared with the machine's network namespace, where another server may own the number.
  const script = `
Xvfb :71 -screen 0 128x128x24 -nolisten tcp -nolisten local > /tmp/xvfb.log 2>&1 &
X=$!
for i in $(seq 100); do [ -S /tmp/.X11-unix/X71 ] && break; sleep 0.1; done
DISPLAY=:71 timeout 9 glxgears -info -geometry 128x128+0+0 > /tmp/gears.log 2>&1 &
G=$!
sleep 6
xwd -root -display :71 -silent > /tmp/frame.xwd
wait $G
kill $X
cat /tmp/xvfb.log
grep -E "GL_RENDERER|FPS" /tmp/gears.log
echo "@@xwd $(base64 -w0 /tmp/frame.xwd)"
`;
  const { out, serverLog } = await withVtestServer(script);
  assert.match(out, /GL_RENDERER\s+= virgl/, `${out.slice(0, 2000)}\n${serverLog}`);
  const dump = /@@xwd (\S+)/.exec(out);
  assert.ok(dump !== null, out.slice(0, 2000));
  const colours = xwdColours(Buffer.from(dump[1]!, "base64"));
  // Fully lit faces of the red, green and blue gears as virgl_test_server renders them (ambient + diffuse).
  for (const [name, rgb] of [
    ["red", 0xc11800],
    ["green", 0x00c130],
    ["blue", 0x3030f2],
  ] as const) {
    const top = [...colours].sort((a, b) => b[1] - a[1]).slice(0, 8);
    assert.ok(
      (colours.get(rgb) ?? 0) > 20,
      `${name} gear lit faces: ${colours.get(rgb) ?? 0} pixels; ${top}\n${out.slice(0, 1500)}`,
    );
  }
  assert.doesNotMatch(serverLog, /dropped/, serverLog);
});
