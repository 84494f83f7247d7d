import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { test } from "node:test";
import { EventFd } from "../../../src/node/os/eventfd.ts";
import { dupFd } from "../../../src/node/os/fd.ts";
import { syncPoints } from "../../../src/node/vtest/codec.ts";
import { DEFAULT_VTEST_LIMITS } from "../../../src/node/vtest/protocol.ts";
import { VtestSyncTable } from "../../../src/node/vtest/sync-table.ts";
import { VtestError } from "../../../src/node/vtest/vtest-error.ts";

const openFds = () => readdirSync("/proc/self/fd").length;

/** The client's copy of a wait's eventfd (the table closes its own once it has written it). */
const clientCopy = (fd: EventFd) => EventFd.fromFd(dupFd(fd.fd));

function table(now: () => number = () => 0, limits = {}): VtestSyncTable {
  return new VtestSyncTable({ ...DEFAULT_VTEST_LIMITS, ...limits }, now);
}

function created(t: VtestSyncTable, value = 0n): number {
  const id = t.create(value);
  assert.ok(typeof id === "number", String(id));
  return id;
}

test("ring fences retire their ring's submits in order, up to the fence, and leave other rings alone", () => {
  const t = table();
  const a = created(t);
  const b = created(t);
  const r = (id: number, value: bigint) => {
    const resolved = t.resolve(syncPoints([{ id, value }]));
    assert.ok(!(resolved instanceof VtestError));
    return resolved;
  };
  const f1 = t.queueOnRing(0, r(a, 1n));
  const f2 = t.queueOnRing(5, r(b, 10n));
  const f3 = t.queueOnRing(0, r(a, 2n));
  const f4 = t.queueOnRing(0, r(a, 3n));
  assert.ok(typeof f1 === "bigint" && typeof f2 === "bigint" && typeof f3 === "bigint" && typeof f4 === "bigint");
  assert.equal(t.pendingSubmits, 4);
  t.retire(5, f1);
  assert.equal(t.read(b), 0n, "ring 5 has nothing up to ring 0's first fence");
  t.retire(0, f3);
  assert.equal(t.read(a), 2n, "ring 0's first two submits, in order");
  assert.equal(t.pendingSubmits, 2);
  t.retire(0, f3);
  assert.equal(t.pendingSubmits, 2, "a fence retiring twice writes nothing twice");
  t.unqueue(0, f4);
  assert.equal(t.pendingSubmits, 1, "the last submit of a ring is taken back when its fence cannot be made");
  t.unqueue(5, f1);
  assert.equal(t.pendingSubmits, 1, "only a ring's last fence can be taken back");
  t.retire(5, f2);
  assert.equal(t.read(b), 10n);
  assert.equal(t.pendingSubmits, 0);
  t.close();
});

test("an unreferenced sync lives on in the waits and submits that name it; its id does not come back", () => {
  // The first EventFd.fromFd opens the process's one epoll probe: open it before counting.
  const warm = EventFd.create();
  clientCopy(warm).close();
  warm.close();
  const before = openFds();
  const t = table();
  const a = created(t);
  const wait = t.wait(0, 0xffff_ffff, syncPoints([{ id: a, value: 4n }]));
  assert.ok(!(wait instanceof VtestError) && wait.pending);
  const mine = clientCopy(wait.fd);
  const resolved = t.resolve(syncPoints([{ id: a, value: 4n }]));
  assert.ok(!(resolved instanceof VtestError));
  const fence = t.queueOnRing(1, resolved);
  assert.ok(typeof fence === "bigint");
  assert.equal(t.unref(a), undefined);
  assert.ok(t.read(a) instanceof VtestError);
  assert.notEqual(created(t), a);
  t.retire(1, fence);
  assert.equal(t.pendingWaits, 0, "the submit's write reached the wait through the forgotten id");
  assert.equal(mine.drain(), 1n);
  mine.close();
  t.close();
  assert.equal(openFds(), before);
});

test("waits past their timeout are dropped (their eventfd closed) when a write or a new wait comes", () => {
  let now = 0;
  const t = table(() => now, { maxPendingWaits: 1 });
  const a = created(t);
  const first = t.wait(0, 10, syncPoints([{ id: a, value: 1n }]));
  assert.ok(!(first instanceof VtestError) && first.pending);
  assert.ok(t.wait(0, 10, syncPoints([{ id: a, value: 1n }])) instanceof VtestError, "one pending wait at most");
  now = 11;
  const second = t.wait(0, 10, syncPoints([{ id: a, value: 1n }]));
  assert.ok(!(second instanceof VtestError) && second.pending, "the expired one made room");
  const mine = clientCopy(second.fd);
  assert.equal(t.pendingWaits, 1);
  now = 30;
  assert.equal(t.write(a, 1n), undefined);
  assert.equal(t.pendingWaits, 0);
  assert.equal(mine.drain(), 0n, "an expired wait is not written: the client's poll has timed out");
  mine.close();
  t.close();
});

test("one sync named twice in a wait must reach the larger value", () => {
  const t = table();
  const a = created(t);
  const w = t.wait(
    0,
    1000,
    syncPoints([
      { id: a, value: 5n },
      { id: a, value: 2n },
    ]),
  );
  assert.ok(!(w instanceof VtestError) && w.pending);
  const mine = clientCopy(w.fd);
  t.write(a, 2n);
  assert.equal(mine.drain(), 0n);
  t.write(a, 5n);
  assert.equal(mine.drain(), 1n);
  mine.close();
  t.close();
});
