import assert from "node:assert/strict";
import { before, test } from "node:test";
import { venusExecutedExtensions } from "../../../src/components/venus/venus-executed.ts";
import {
  ensureTrixieRoot,
  inTrixieRoot,
  LAVAPIPE_ICD,
  REFERENCE_VENUS_START,
  TRIXIE_SKIP,
  VENUS_ICD,
} from "./trixie-root.ts";

// Mesa 25.0.7's venus client (vulkaninfo) through `rutabaga-ts vtest --venus` and through virgl_test_server --venus,
// both on the root's lavapipe.

before(
  async () => {
    if (TRIXIE_SKIP === false) await ensureTrixieRoot();
  },
  { timeout: 600_000 },
);

const OURS_VENUS_START = `node bin/rutabaga-ts.js vtest --venus --verbose --socket-path /tmp/.virgl_test >/tmp/ours.log 2>&1 &
OURS=$!
for _ in $(seq 400); do grep -q "listening on" /tmp/ours.log 2>/dev/null && break; sleep 0.05; done`;
/** Device extensions Mesa's venus driver implements itself (vn_physical_device_get_native_extensions). */
const MESA_NATIVE = [
  "VK_KHR_map_memory2",
  "VK_EXT_physical_device_drm",
  "VK_EXT_tooling_info",
  "VK_EXT_device_memory_report",
  "VK_EXT_pci_bus_info",
  "VK_KHR_external_fence_fd",
  "VK_KHR_external_semaphore_fd",
  "VK_KHR_external_memory_fd",
  "VK_EXT_external_memory_dma_buf",
  "VK_KHR_swapchain",
  "VK_KHR_incremental_present",
  "VK_KHR_swapchain_mutable_format",
];
const VULKANINFO = `VN_DEBUG=vtest VK_DRIVER_FILES=${VENUS_ICD} timeout 60 vulkaninfo`;

/** Device extensions, and `Struct.feature` for every feature vulkaninfo prints as true. */
function parse(out: string): { extensions: Set<string>; features: Set<string> } {
  const extensions = new Set<string>();
  const features = new Set<string>();
  let section = "";
  for (const line of out.split("\n")) {
    if (/^\S/.test(line) && !/^[=-]+$/.test(line)) section = line.replace(/:.*$/, "").trim();
    if (section === "Device Extensions") {
      const m = /^\s+(VK_\w+)\s+:/.exec(line);
      if (m) extensions.add(m[1]!);
    } else if (/^VkPhysicalDevice\w*Features/.test(section)) {
      const m = /^\s+(\w+)\s+= true/.exec(line);
      if (m) features.add(`${section}.${m[1]}`);
    }
  }
  return { extensions, features };
}

test("vulkaninfo through our server shows a Venus device, with no extension or feature the reference lacks", {
  skip: TRIXIE_SKIP,
  timeout: 240_000,
}, async () => {
  const { out, status } = await inTrixieRoot(
    `${REFERENCE_VENUS_START}
${VULKANINFO} >/tmp/ref.txt 2>&1; echo "reference vulkaninfo: $?"
kill %1; wait %1 2>/dev/null; rm -f /tmp/.virgl_test
${OURS_VENUS_START}
${VULKANINFO} >/tmp/ours.txt 2>&1; echo "our vulkaninfo: $?"
sleep 0.5; kill $OURS; wait $OURS 2>/dev/null
echo "=== reference"; cat /tmp/ref.txt; echo "=== ours"; cat /tmp/ours.txt; echo "=== log"; cat /tmp/ours.log`,
    180_000,
  );
  assert.equal(status, 0, out);
  assert.match(out, /reference vulkaninfo: 0/, out);
  assert.match(out, /our vulkaninfo: 0/, out);
  const [, refText = "", rest = ""] = out.split(/^=== (?:reference|ours)$/m);
  const [oursText = "", log = ""] = rest.split(/^=== log$/m);
  assert.match(oursText, /deviceName\s+= Virtio-GPU Venus \(llvmpipe/);
  assert.match(oursText, /driverID\s+= DRIVER_ID_MESA_VENUS/);
  const ref = parse(refText);
  const ours = parse(oursText);
  assert.ok(ours.extensions.size > 40, `${ours.extensions.size} device extensions`);
  assert.ok(ours.features.size > 100, `${ours.features.size} features`);
  const extraExtensions = [...ours.extensions].filter((e) => !ref.extensions.has(e));
  const extraFeatures = [...ours.features].filter((f) => !ref.features.has(f));
  assert.deepEqual(extraExtensions, [], "extensions the reference does not advertise");
  const executed = new Set([...venusExecutedExtensions(), ...MESA_NATIVE]);
  assert.deepEqual(
    [...ours.extensions].filter((e) => !executed.has(e)),
    [],
    "extensions whose commands we do not execute",
  );
  assert.deepEqual(extraFeatures, [], "features the reference does not advertise");
  const missing = [...ref.extensions].filter((e) => !ours.extensions.has(e));
  const missingFeatures = [...ref.features].filter((f) => !ours.features.has(f));
  console.log(
    `device extensions: ours ${ours.extensions.size}, reference ${ref.extensions.size}; not executed yet: ${missing.join(" ")}`,
  );
  console.log(
    `features true: ours ${ours.features.size}, reference ${ref.features.size} (${missingFeatures.length} fewer)`,
  );
  // The worker destroyed every host object the client left.
  const end = /venus context vulkaninfo ended: (\d+) host objects made, (\d+) destroyed, (\d+) left/.exec(log);
  assert.ok(end, log);
  assert.equal(end[1], end[2]);
  assert.equal(end[3], "0");
  assert.doesNotMatch(log, /dropped|fatal|failed/, log);
});

test("a venus client killed mid-stream leaves no host object behind", {
  skip: TRIXIE_SKIP,
  timeout: 240_000,
}, async () => {
  const kills = ["0.3", "0.5", "0.8"];
  const { out, status } = await inTrixieRoot(
    `${OURS_VENUS_START}
for t in ${kills.join(" ")}; do VN_DEBUG=vtest VK_DRIVER_FILES=${VENUS_ICD} timeout -s KILL $t vulkaninfo >/dev/null 2>&1; done
sleep 1; kill $OURS; wait $OURS 2>/dev/null; cat /tmp/ours.log`,
    180_000,
  );
  assert.equal(status, 0, out);
  const ends = [
    ...out.matchAll(/venus context vulkaninfo ended: (\d+) host objects made, (\d+) destroyed, (\d+) left/g),
  ];
  assert.equal(ends.length, kills.length, out);
  for (const [, made, destroyed, left] of ends) {
    assert.equal(made, destroyed, out);
    assert.equal(left, "0", out);
  }
  assert.ok(
    ends.some(([, made]) => Number(made) > 0),
    `no run got as far as a host object:\n${out}`,
  );
  assert.doesNotMatch(out, /internal error/);
});

test("lavapipe direct in the root is the ceiling the venus device is compared with", {
  skip: TRIXIE_SKIP,
}, async () => {
  const { out, status } = await inTrixieRoot(`VK_DRIVER_FILES=${LAVAPIPE_ICD} timeout 60 vulkaninfo --summary 2>&1`);
  assert.equal(status, 0, out);
  assert.match(out, /deviceName\s+= llvmpipe/);
});
