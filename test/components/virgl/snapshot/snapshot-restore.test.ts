import assert from "node:assert/strict";
import test from "node:test";
import { RutabagaError } from "../../../../src/index.ts";
import { makeVirgl } from "../helpers.ts";
import { draw, reattach, snapshotScene } from "./scene.ts";

test("a virgl snapshot restores in a new instance and later frames match the uninterrupted ones", () => {
  const live = snapshotScene();
  const first = draw(live.rutabaga, live.target, [0, 0, 0, 0]);
  assert.ok(
    first.some((b) => b !== 0),
    "the scene draws something",
  );
  const bytes = live.rutabaga.snapshot();

  const other = makeVirgl();
  other.rutabaga.destroyContext(1);
  other.rutabaga.restore(bytes);
  const target = reattach(other.rutabaga);
  for (const constants of [
    [0, 0, 0, 0],
    [0.25, 0, 0.5, 0],
  ]) {
    const expected = draw(live.rutabaga, live.target, constants);
    const got = draw(other.rutabaga, target, constants);
    assert.deepEqual(got, expected, `frame with constants ${constants}`);
  }
  live.rutabaga.destroy();
  other.rutabaga.destroy();
});

test("a snapshot of a restored instance is the same bytes", () => {
  const live = snapshotScene();
  draw(live.rutabaga, live.target, [0.1, 0.2, 0.3, 0.4]);
  const bytes = live.rutabaga.snapshot();
  const other = makeVirgl();
  other.rutabaga.restore(bytes);
  reattach(other.rutabaga);
  assert.deepEqual(other.rutabaga.snapshot(), bytes);
  live.rutabaga.destroy();
  other.rutabaga.destroy();
});

test("a restore refused part-way leaves the instance as it was", () => {
  const live = snapshotScene();
  const before = draw(live.rutabaga, live.target, [0, 0, 0, 0]);
  const good = snapshotScene();
  const bytes = good.rutabaga.snapshot();
  // Truncations and a version from the future are refused before anything is built.
  for (const bad of [bytes.subarray(0, bytes.length - 1), bytes.subarray(0, 100)]) {
    assert.throws(
      () => live.rutabaga.restore(bad),
      (e: unknown) => e instanceof RutabagaError && e.code === "SnapshotError",
    );
  }
  assert.deepEqual(draw(live.rutabaga, live.target, [0, 0, 0, 0]), before);
  live.rutabaga.destroy();
  good.rutabaga.destroy();
});
