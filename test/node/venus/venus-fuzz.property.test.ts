import assert from "node:assert/strict";
import { writeSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { VENUS_EXECUTED_TYPES } from "../../../src/components/venus/venus-executed.ts";
import { venusCommandBytes } from "../../../src/components/venus/wire-codec.ts";
import { VenusExecutor } from "../../../src/node/venus/venus-executor.ts";
import { VenusRuntime } from "../../../src/node/venus/venus-runtime.ts";
import { commandArgs } from "../../components/venus/wire-arbitrary.ts";
import { commandBytes, createDeviceArgs, createInstanceArgs, hostVulkan } from "./venus-helpers.ts";

const RUNS = Number(process.env.FC_RUNS ?? 300);
const lib = hostVulkan();
const skip = typeof lib === "string" ? lib : false;
const EXECUTED = [...VENUS_EXECUTED_TYPES].sort((a, b) => a - b);
/** Instance 1, physical device 2, device 3: the ids a mutated command's handles are steered to half the time. */
const PREFIX = [
  commandBytes("vkCreateInstance", createInstanceArgs(1), 0),
  commandBytes("vkEnumeratePhysicalDevices", { instance: 1, pPhysicalDeviceCount: 1, pPhysicalDevices: [2] }, 0),
  commandBytes("vkCreateDevice", createDeviceArgs(2, 3), 0),
];
const KNOWN: Record<string, number> = { instance: 1, physicalDevice: 2, device: 3 };

/**
 * Feeds `chunks` to a fresh runtime on the host's Vulkan through the virtqueue; every outcome must be a typed refusal
 * (a fatal naming a RutabagaError code) or success, and closing must destroy every host object made.
 */
function feed(chunks: readonly Uint8Array[]): void {
  const executor = new VenusExecutor(lib as Exclude<typeof lib, string>);
  const fatals: string[] = [];
  const runtime = new VenusRuntime(executor, {
    fence: () => {},
    ringCreated: () => {},
    ringDestroyed: () => {},
    fatal: (m) => fatals.push(m),
  });
  for (const c of chunks) runtime.submit(c);
  for (let i = 0; i < chunks.length + 2; i++) runtime.step();
  for (const f of fatals) assert.doesNotMatch(f, /internal error/, f);
  runtime.close();
  assert.equal(executor.objects.size, 0);
  assert.equal(executor.counts.created, executor.counts.destroyed);
}

test("random bytes after a valid start: only typed refusals, no host object left", { skip }, () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 256 }), fc.constantFrom(...EXECUTED), (tail, type) => {
      const head = new Uint8Array(8);
      new DataView(head.buffer).setUint32(0, type, true);
      if (process.env.VENUS_FUZZ_TRACE) writeSync(2, `bytes ${type} ${Buffer.from(tail).toString("hex")}\n`);
      feed([...PREFIX, Uint8Array.from([...head, ...tail])]);
    }),
    { numRuns: RUNS },
  );
});

test("mutated executed commands, handles steered to live objects: only typed refusals, no host object left", {
  skip,
}, () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...EXECUTED),
      fc.integer(),
      fc.boolean(),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(0, 1, 2, 3, 0xff)), { maxLength: 3 }),
      (type, seed, steer, flips) => {
        const args = commandArgs(type, seed);
        if (steer) for (const k of Object.keys(args)) if (k in KNOWN) args[k] = KNOWN[k];
        let bytes: Uint8Array;
        try {
          bytes = venusCommandBytes(type, 0, args).slice();
        } catch {
          return;
        }
        for (const [at, v] of flips) if (bytes.length > 8) bytes[8 + (at % (bytes.length - 8))] = v;
        // VENUS_FUZZ_TRACE=1: each case on stderr before it runs, so a host-driver crash names its command.
        if (process.env.VENUS_FUZZ_TRACE) writeSync(2, `${type} ${seed} ${steer} ${JSON.stringify(flips)}\n`);
        feed([...PREFIX, bytes]);
      },
    ),
    { numRuns: RUNS },
  );
});
