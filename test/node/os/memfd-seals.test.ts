import assert from "node:assert/strict";
import { test } from "node:test";
import { addSeals, closeFd, createMemfd, FileSeal, fileSize, hasSeals } from "../../../src/node/os/index.ts";
import { libc } from "../../../src/node/os/libc.ts";

test("memfd seals: a sealable memfd takes a shrink seal and then refuses to shrink but may grow", () => {
  const fd = createMemfd("sealable", 8192, true);
  try {
    assert.equal(hasSeals(fd, FileSeal.Shrink), false);
    assert.equal(addSeals(fd, FileSeal.Shrink), true);
    assert.equal(hasSeals(fd, FileSeal.Shrink), true);
    assert.equal(hasSeals(fd, FileSeal.Shrink | FileSeal.Grow), false, "every seal asked for must be on");
    assert.notEqual(libc().ftruncate(fd, 4096) as number, 0, "a shrink is refused");
    assert.equal(fileSize(fd), 8192);
    assert.equal(libc().ftruncate(fd, 16384) as number, 0, "growing is still allowed");
    assert.equal(addSeals(fd, FileSeal.Seal), true);
    assert.equal(addSeals(fd, FileSeal.Grow), false, "F_SEAL_SEAL refuses further seals");
  } finally {
    closeFd(fd);
  }
});

test("memfd seals: a memfd made without sealing, and a descriptor that is no file, refuse seals and report none", () => {
  const fd = createMemfd("plain", 4096);
  try {
    assert.equal(addSeals(fd, FileSeal.Shrink), false);
    assert.equal(hasSeals(fd, FileSeal.Shrink), false);
    assert.equal(libc().ftruncate(fd, 0) as number, 0, "still shrinkable");
  } finally {
    closeFd(fd);
  }
  assert.equal(addSeals(987654, FileSeal.Shrink), false);
  assert.equal(hasSeals(987654, FileSeal.Shrink), false);
});
