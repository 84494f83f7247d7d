import assert from "node:assert/strict";
import { test } from "node:test";
import {
  isFaulty,
  MockGuestRam,
  MockVirtqueueDriver,
  SplitVirtqueue,
  VirtqDescFlags,
  VirtqueueError,
} from "../../src/virtio-gpu/index.ts";

function pair(options: { indirect?: boolean; eventIdx?: boolean; size?: number } = {}) {
  const ram = new MockGuestRam(1 << 20);
  const driver = new MockVirtqueueDriver(ram, { size: 8, ...options });
  const queue = new SplitVirtqueue(ram.memory, driver.config);
  return { ram, driver, queue };
}

for (const indirect of [false, true]) {
  test(`chains come out with their readable and writable views (${indirect ? "indirect" : "direct"})`, () => {
    const { driver, queue, ram } = pair({ indirect });
    const placed = driver.add([new Uint8Array([1, 2, 3]), new Uint8Array([4])], [8, 2]);
    const chain = queue.pop();
    assert.ok(chain !== undefined && !isFaulty(chain));
    assert.equal(chain.head, placed.head);
    assert.deepEqual(
      chain.readable.map((v) => [...v]),
      [[1, 2, 3], [4]],
    );
    assert.equal(chain.readableLength, 4);
    assert.equal(chain.writableLength, 10);
    chain.writable[0]!.set([9, 9]);
    assert.deepEqual([...ram.view(placed.writable[0]!.addr, 2)], [9, 9]);
    queue.pushUsed(chain.head, 2);
    assert.deepEqual(driver.takeUsed(), [{ head: placed.head, length: 2 }]);
    assert.equal(queue.pop(), undefined);
  });
}

test("a looping chain, a head out of range and memory outside RAM are refused, and the queue goes on", () => {
  const { driver, queue, ram } = pair();
  const buf = ram.alloc(16);
  driver.writeDescriptor(0, buf, 16, VirtqDescFlags.Next, 1);
  driver.writeDescriptor(1, buf, 16, VirtqDescFlags.Next, 0);
  driver.publishRawHead(0);
  driver.publishRawHead(100);
  driver.writeDescriptor(2, 0x10n, 16, 0, 0);
  driver.publishRawHead(2);
  driver.writeDescriptor(3, buf, 16, VirtqDescFlags.Write | VirtqDescFlags.Next, 4);
  driver.writeDescriptor(4, buf, 16, 0, 0);
  driver.publishRawHead(3);
  driver.writeDescriptor(5, buf, 17, VirtqDescFlags.Indirect, 0);
  driver.publishRawHead(5);
  driver.writeDescriptor(6, buf, 16, VirtqDescFlags.Next, 9);
  driver.publishRawHead(6);
  const faults = [];
  for (let chain = queue.pop(); chain !== undefined; chain = queue.pop()) {
    assert.ok(isFaulty(chain));
    faults.push(chain.fault);
    queue.pushUsed(chain.head, 0);
  }
  assert.deepEqual(faults, [
    "loop",
    "head-out-of-range",
    "outside-memory",
    "readable-after-writable",
    "bad-indirect",
    "index-out-of-range",
  ]);
  const placed = driver.add([new Uint8Array([7])], []);
  const chain = queue.pop();
  assert.ok(chain !== undefined && !isFaulty(chain) && chain.head === placed.head);
});

test("an available index that runs past the ring marks the queue broken instead of reading garbage", () => {
  const { driver, queue } = pair();
  driver.setAvailIdx(100);
  assert.equal(queue.pop(), undefined);
  assert.equal(queue.broken, true);
});

test("rings outside guest memory or a bad size cannot make a queue", () => {
  const ram = new MockGuestRam(4096);
  assert.throws(
    () =>
      new SplitVirtqueue(ram.memory, {
        size: 3,
        descAddr: ram.base,
        availAddr: ram.base,
        usedAddr: ram.base,
        eventIdx: false,
      }),
    VirtqueueError,
  );
  assert.throws(
    () =>
      new SplitVirtqueue(ram.memory, {
        size: 512,
        descAddr: ram.base,
        availAddr: ram.base,
        usedAddr: ram.base,
        eventIdx: false,
      }),
    VirtqueueError,
  );
});

test("notifications follow NO_INTERRUPT without EVENT_IDX and used_event with it", () => {
  const plain = pair();
  plain.driver.add([new Uint8Array(1)], []);
  let c = plain.queue.pop()!;
  plain.queue.pushUsed(c.head, 0);
  assert.equal(plain.queue.needsNotification(), true);
  assert.equal(plain.queue.needsNotification(), false, "nothing new since");
  plain.driver.setNoInterrupt(true);
  plain.driver.add([new Uint8Array(1)], []);
  c = plain.queue.pop()!;
  plain.queue.pushUsed(c.head, 0);
  assert.equal(plain.queue.needsNotification(), false);

  const ev = pair({ eventIdx: true });
  ev.driver.setUsedEvent(1);
  for (let i = 0; i < 3; i++) ev.driver.add([new Uint8Array(1)], []);
  c = ev.queue.pop()!;
  ev.queue.pushUsed(c.head, 0);
  assert.equal(ev.queue.needsNotification(), false, "used idx 1 has not passed used_event 1");
  c = ev.queue.pop()!;
  ev.queue.pushUsed(c.head, 0);
  assert.equal(ev.queue.needsNotification(), true, "used idx 2 passed used_event 1");
  c = ev.queue.pop()!;
  assert.equal(ev.queue.pop(), undefined);
  assert.equal(ev.driver.availEvent, 3, "the device asks for a kick at the next entry");
});
