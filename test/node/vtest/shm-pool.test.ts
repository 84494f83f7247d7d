import assert from "node:assert/strict";
import { fstatSync } from "node:fs";
import { test } from "node:test";
import { createMemfd } from "../../../src/node/os/memfd.ts";
import { MemoryMapping } from "../../../src/node/os/memory-mapping.ts";
import { SHM_POOL_ENTRIES, SHM_POOL_MAX_BYTES, type ShmBacking, ShmPool } from "../../../src/node/vtest/shm-pool.ts";

function backing(bytes: number): ShmBacking {
  const fd = createMemfd("shm-pool-test", bytes);
  return { fd, mapping: MemoryMapping.map(fd, bytes) };
}

const isOpen = (fd: number) => {
  try {
    fstatSync(fd);
    return true;
  } catch {
    return false;
  }
};

test("a freed backing comes back for the same size only, zeroed", () => {
  const pool = new ShmPool();
  const b = backing(4096);
  b.mapping.bytes.fill(0xab);
  pool.give(b);
  assert.equal(pool.take(8192), undefined);
  const again = pool.take(4096);
  assert.equal(again, b);
  assert.ok(
    again.mapping.bytes.every((x) => x === 0),
    "reused memory reads zeros",
  );
  assert.equal(pool.take(4096), undefined, "taken once");
  pool.give(again);
  pool.close();
  assert.ok(!isOpen(b.fd), "close releases kept backings");
});

test("backings past the size bound are released at once; a full pool drops its oldest", () => {
  const pool = new ShmPool();
  const big = backing(SHM_POOL_MAX_BYTES + 4096);
  pool.give(big);
  assert.ok(!isOpen(big.fd));
  assert.equal(pool.take(SHM_POOL_MAX_BYTES + 4096), undefined);
  const edge = backing(SHM_POOL_MAX_BYTES);
  const kept = [edge, ...Array.from({ length: SHM_POOL_ENTRIES }, () => backing(4096))];
  for (const b of kept) pool.give(b);
  assert.ok(!isOpen(edge.fd), "the oldest went when the pool passed its entries");
  for (const b of kept.slice(1)) assert.ok(isOpen(b.fd));
  assert.equal(pool.take(SHM_POOL_MAX_BYTES), undefined);
  pool.close();
  for (const b of kept) assert.ok(!isOpen(b.fd));
});
