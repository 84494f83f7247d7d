import assert from "node:assert/strict";
import { before, test } from "node:test";
import { ensureTrixieRoot, inTrixieRoot, LAVAPIPE_ICD, TRIXIE_SKIP } from "./trixie-root.ts";

// The same protocol 3 conversation (protocol3-sequence.ts, our mock client) with virglrenderer 1.1.0's server and
// with ours, inside the trixie root: every answer must be the same.

before(
  async () => {
    if (TRIXIE_SKIP === false) await ensureTrixieRoot();
  },
  { timeout: 600_000 },
);

const SEQUENCE = "timeout 60 node --import tsx test/node/trixie/protocol3-sequence.ts";

test("our protocol 3 answers are virgl_test_server 1.1.0's: params, capset validity, syncs, waits, SUBMIT_CMD2 on and off a ring, server resource ids", {
  skip: TRIXIE_SKIP,
  timeout: 180_000,
}, async () => {
  const { out, status } = await inTrixieRoot(`set -e
VK_DRIVER_FILES=${LAVAPIPE_ICD} virgl_test_server --venus --use-egl-surfaceless >/tmp/reference.log 2>&1 &
node bin/rutabaga-ts.js vtest --socket-path /tmp/ours.sock >/tmp/ours.log 2>&1 &
trap 'kill %1 %2 2>/dev/null' EXIT
for _ in $(seq 400); do [ -S /tmp/.virgl_test ] && [ -S /tmp/ours.sock ] && break; sleep 0.05; done
echo "@@reference"; ${SEQUENCE} /tmp/.virgl_test
echo "@@ours"; ${SEQUENCE} /tmp/ours.sock`);
  assert.equal(status, 0, out);
  const [, reference = "", ours = ""] = out.split(/@@reference\n|@@ours\n/);
  const steps = (text: string) => text.split("\n").filter((l) => l.startsWith("{"));
  assert.equal(steps(reference).length, 18, reference);
  assert.deepEqual(steps(ours), steps(reference));
});
