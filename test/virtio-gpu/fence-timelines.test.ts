import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type ComponentInit,
  type HostMemoryBudget,
  Rutabaga2D,
  RutabagaBuilder,
  RutabagaComponentType,
  type RutabagaFence,
  type RutabagaFenceHandler,
} from "../../src/index.ts";
import {
  FenceTimelines,
  GLOBAL_TIMELINE,
  GpuCommandType,
  GpuFlags,
  GpuResponseType,
  ringTimeline,
} from "../../src/virtio-gpu/index.ts";
import { setup } from "./helpers.ts";

/** A 2D component whose fences finish when the test says so, as a GPU's would. */
class SlowFences2D extends Rutabaga2D {
  readonly pending: RutabagaFence[] = [];
  readonly #handler: RutabagaFenceHandler;
  constructor(handler: RutabagaFenceHandler, budget: HostMemoryBudget) {
    super(handler, budget);
    this.#handler = handler;
  }
  override createFence(fence: RutabagaFence): void {
    this.pending.push({ ...fence });
  }
  finish(fenceId: bigint): void {
    const i = this.pending.findIndex((f) => f.fenceId === fenceId);
    const [f] = this.pending.splice(i, 1);
    this.#handler(f!);
  }
}

test("fenced responses wait for their fence and come back in order on their timeline", () => {
  let slow: SlowFences2D | undefined;
  const notified: number[] = [];
  const { driver } = setup({
    rutabaga: (handler) =>
      new RutabagaBuilder(0n, handler)
        .setDefaultComponent(RutabagaComponentType.Rutabaga2D)
        .setComponentFactory(RutabagaComponentType.Rutabaga2D, (init: ComponentInit) => {
          slow = new SlowFences2D(init.fenceHandler, init.hostMemory);
          return slow;
        })
        .build(),
    onQueueNotify: (q) => notified.push(q),
  });
  assert.ok(slow);
  const q = driver.queues[0];
  const fenced = (fenceId: bigint) =>
    driver.send({ type: GpuCommandType.GetDisplayInfo }, { flags: GpuFlags.Fence, fenceId });
  assert.equal(fenced(1n), undefined);
  assert.equal(fenced(2n), undefined);
  assert.equal(fenced(3n), undefined);
  assert.equal(driver.device.parkedResponses, 3);
  // An unfenced command is not held behind them.
  assert.equal(driver.send({ type: GpuCommandType.GetDisplayInfo })?.type, GpuResponseType.OkDisplayInfo);
  slow.finish(2n);
  driver.device.drainCompletions();
  const released = q.takeUsed();
  assert.equal(released.length, 2, "fence 2 releases 1 and 2");
  assert.deepEqual(notified, [0]);
  slow.finish(1n);
  driver.device.drainCompletions();
  assert.equal(q.takeUsed().length, 0, "an older fence completing releases nothing more");
  slow.finish(3n);
  driver.device.drainCompletions();
  assert.equal(q.takeUsed().length, 1);
  assert.equal(driver.device.parkedResponses, 0);
});

test("a ring fence the library refuses is an error response, not a response parked forever", () => {
  let slow: SlowFences2D | undefined;
  const { driver } = setup({
    rutabaga: (handler) =>
      new RutabagaBuilder(0n, handler)
        .setDefaultComponent(RutabagaComponentType.Rutabaga2D)
        .setComponentFactory(RutabagaComponentType.Rutabaga2D, (init: ComponentInit) => {
          slow = new SlowFences2D(init.fenceHandler, init.hostMemory);
          return slow;
        })
        .build(),
  });
  const ring = (ringIdx: number, fenceId: bigint) => ({
    flags: GpuFlags.Fence | GpuFlags.InfoRingIdx,
    fenceId,
    ctxId: 0,
    ringIdx,
  });
  assert.equal(
    driver.send({ type: GpuCommandType.GetDisplayInfo }, { flags: GpuFlags.Fence, fenceId: 10n }),
    undefined,
  );
  const r = driver.send({ type: GpuCommandType.GetDisplayInfo }, ring(1, 1n));
  // A ring fence on a context that does not exist fails: the response says so instead of waiting.
  assert.equal(r?.type, GpuResponseType.ErrUnspec);
  slow!.finish(10n);
  driver.device.drainCompletions();
  assert.equal(driver.queues[0].takeUsed().length, 1);
});

test("a completion outside queue processing reaches the guest without a drain call, by a microtask", async () => {
  let slow: SlowFences2D | undefined;
  const notified: number[] = [];
  const { driver } = setup({
    rutabaga: (handler) =>
      new RutabagaBuilder(0n, handler)
        .setDefaultComponent(RutabagaComponentType.Rutabaga2D)
        .setComponentFactory(RutabagaComponentType.Rutabaga2D, (init: ComponentInit) => {
          slow = new SlowFences2D(init.fenceHandler, init.hostMemory);
          return slow;
        })
        .build(),
    onQueueNotify: (q) => notified.push(q),
  });
  assert.equal(driver.send({ type: GpuCommandType.GetDisplayInfo }, { flags: GpuFlags.Fence, fenceId: 7n }), undefined);
  slow!.finish(7n);
  // The handler only queued the completion: nothing reached the ring from inside it.
  assert.equal(driver.device.parkedResponses, 1);
  await new Promise<void>((resolve) => queueMicrotask(resolve));
  assert.equal(driver.device.parkedResponses, 0);
  assert.equal(driver.queues[0].takeUsed().length, 1);
  assert.deepEqual(notified, [0]);
});

test("timelines are independent: a ring's completion releases only that ring's responses", () => {
  const t = new FenceTimelines<string>();
  t.park(GLOBAL_TIMELINE, 5n, "g5");
  t.park(ringTimeline(1, 0), 5n, "r0-5");
  t.park(ringTimeline(1, 1), 2n, "r1-2");
  t.park(ringTimeline(1, 0), 6n, "r0-6");
  assert.deepEqual(t.complete(ringTimeline(1, 0), 6n), ["r0-5", "r0-6"]);
  assert.deepEqual(t.complete(ringTimeline(2, 0), 9n), []);
  assert.deepEqual(t.complete(GLOBAL_TIMELINE, 4n), []);
  assert.deepEqual(t.complete(GLOBAL_TIMELINE, 5n), ["g5"]);
  assert.equal(t.isDone(ringTimeline(1, 1), 2n), false);
  assert.deepEqual(t.complete(ringTimeline(1, 1), 3n), ["r1-2"]);
  assert.equal(t.parkedCount, 0);
});
