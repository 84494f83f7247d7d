import assert from "node:assert/strict";
import { test } from "node:test";
import { buildVirglRutabaga } from "../../../src/node/gl/virgl-rutabaga.ts";
import { VtestCommand } from "../../../src/node/vtest/protocol.ts";
import { VtestError } from "../../../src/node/vtest/vtest-error.ts";
import { virglRutabaga } from "../../../src/node/vtest/vtest-server.ts";
import { VtestSession } from "../../../src/node/vtest/vtest-session.ts";
import { RutabagaComponentType } from "../../../src/rutabaga/constants.ts";
import { isRutabagaError, RutabagaError } from "../../../src/rutabaga/error.ts";

const noGl = () => {
  throw new RutabagaError("ComponentError", "no GL on this test host");
};

test("buildVirglRutabaga throws the host GL's reason instead of falling back to 2D", () => {
  assert.throws(
    () => buildVirglRutabaga(() => {}, { factory: noGl }),
    (e: unknown) => isRutabagaError(e) && e.code === "ComponentError" && e.message.includes("no GL on this test host"),
  );
});

test("a vtest client whose library cannot build gets the host GL's reason at its first request that needs it", () => {
  const session = new VtestSession(
    { send: () => {} },
    { rutabaga: (fh, limit) => buildVirglRutabaga(fh, { hostMemoryLimit: limit, factory: noGl }), limits: {} },
  );
  assert.equal(session.handle(VtestCommand.CreateRenderer, new TextEncoder().encode("client\0")), undefined);
  const failed = session.handle(VtestCommand.GetCaps2, new Uint8Array(0));
  assert.ok(failed instanceof VtestError);
  assert.match(failed.message, /no GL on this test host/);
});

test("the vtest server's instance is the device's: virgl by default, onComponent told, its memory limit kept", () => {
  let told = 0;
  const rutabaga = virglRutabaga(
    () => {},
    1 << 24,
    () => told++,
  );
  try {
    assert.equal(rutabaga.defaultComponent, RutabagaComponentType.VirglRenderer);
    assert.equal(told, 1);
    assert.equal(rutabaga.hostMemory.limit, 1 << 24);
  } finally {
    rutabaga.destroy();
  }
});
