import assert from "node:assert/strict";
import { test } from "node:test";
import { guestVersions } from "../../../src/components/virgl/caps/guest-features.ts";
import { makeVirgl } from "../../components/virgl/helpers.ts";
import { withVtestServer } from "./mesa-namespace.ts";

const dotted = (v: number) => `${Math.floor(v / 10)}.${v % 10}`;

test("Mesa's virpipe reports the GL and GLES versions the caps feature table predicts", {
  timeout: 120_000,
}, async () => {
  const { rutabaga } = makeVirgl();
  const predicted = guestVersions(rutabaga.getCapset(2, 2));
  rutabaga.destroy();
  const { out, serverLog } = await withVtestServer(
    `cd /tmp
wflinfo --platform surfaceless_egl --api gl --profile core 2>&1 | grep -E '^OpenGL version string'
wflinfo --platform surfaceless_egl --api gles3 2>&1 | grep -E '^OpenGL version string'`,
    100_000,
  );
  const context = `${out}\n${serverLog.slice(-5000)}\npredicted ${JSON.stringify(predicted)}`;
  assert.match(
    out,
    new RegExp(`OpenGL version string: ${dotted(predicted.gl).replace(".", "\\.")} \\(Core Profile\\)`),
    context,
  );
  assert.match(
    out,
    new RegExp(`OpenGL version string: OpenGL ES ${dotted(predicted.es).replace(".", "\\.")} `),
    context,
  );
});
