import assert from "node:assert/strict";
import { before, test } from "node:test";
import {
  ensureTrixieRoot,
  inTrixieRoot,
  OURS_START,
  REFERENCE_VENUS_START,
  TRIXIE_SKIP,
  VENUS_ICD,
} from "./trixie-root.ts";

// Mesa 25.0.7 (Debian 13) against the reference virglrenderer 1.1.0 and against our server, inside the trixie root.

before(
  async () => {
    if (TRIXIE_SKIP === false) await ensureTrixieRoot();
  },
  { timeout: 600_000 },
);

const VULKANINFO = `VN_DEBUG=vtest VK_DRIVER_FILES=${VENUS_ICD} timeout 60 vulkaninfo --summary 2>&1`;

test("the root's reference: virgl_test_server --venus serves Mesa 25's venus client a Venus device on lavapipe", {
  skip: TRIXIE_SKIP,
  timeout: 180_000,
}, async () => {
  const { out, status } = await inTrixieRoot(`${REFERENCE_VENUS_START}\n${VULKANINFO}`);
  assert.equal(status, 0, out);
  assert.match(out, /deviceName\s+= Virtio-GPU Venus \(llvmpipe/, out);
  assert.match(out, /driverID\s+= DRIVER_ID_MESA_VENUS/);
});

test("Mesa 25's virpipe renders through our server and settles on protocol 2 (it keeps 3 only from host_feature_check_version 23)", {
  skip: TRIXIE_SKIP,
  timeout: 180_000,
}, async () => {
  const { out, status } = await inTrixieRoot(
    `${OURS_START}\nGALLIUM_DRIVER=virpipe timeout 60 wflinfo -p surfaceless_egl -a gl 2>&1; sleep 0.5; cat /tmp/ours.log`,
  );
  assert.equal(status, 0, out);
  assert.match(out, /OpenGL renderer string: virgl \(llvmpipe/, out);
  assert.match(out, /OpenGL version string: \d\.\d .*Mesa 25\./);
  // Our caps report host_feature_check_version 15: Mesa keeps protocol 3 only from 23 on.
  assert.match(out, /client 1 spoke protocol 2, context capset 2\n/);
  assert.doesNotMatch(out, /dropped/);
});

test("without --venus, Mesa 25's venus client gets through our protocol 3 handshake and stops at the venus capset", {
  skip: TRIXIE_SKIP,
  timeout: 180_000,
}, async () => {
  const { out } = await inTrixieRoot(`${OURS_START}\n${VULKANINFO}; sleep 0.5; cat /tmp/ours.log`);
  // PROTOCOL_VERSION 3, GET_PARAM(MAX_TIMELINE_COUNT) and GET_CAPSET(venus, 0) are answered; "not valid" ends it
  // before CONTEXT_INIT.
  assert.match(out, /MESA-VIRTIO: debug: no venus capset/, out);
  assert.match(out, /client 1 spoke protocol 3\n/);
  assert.doesNotMatch(out, /dropped/);
});
