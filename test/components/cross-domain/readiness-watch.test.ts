import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryHost } from "../../../src/components/cross-domain/memory-host.ts";
import { CrossDomainRing } from "../../../src/components/cross-domain/protocol.ts";
import { crossDomainSetup, str, text } from "./helpers.ts";

const received = (m: ReturnType<ReturnType<typeof crossDomainSetup>["guest"]["readChannel"]>) =>
  "identifiers" in m ? str(m.data) : `cmd ${m.cmd}`;

test("readiness: a source with no fence to take it is reported once and waits, its watch paused", () => {
  const host = new MemoryHost();
  const { guest, peers } = crossDomainSetup(host);
  guest.start(1);
  peers[0]!.send(text("early"));
  assert.equal(host.poll(), 1, "a level-triggered watch left running would report it every round");
  assert.equal(host.poll(), 0);
  const f = guest.fence(CrossDomainRing.Channel);
  assert.ok(guest.isComplete(1, f), "the fence takes the waiting source at once");
  assert.equal(received(guest.readChannel()), "early");
  assert.equal(host.poll(), 0, "resumed, with nothing left to report");
  peers[0]!.send(text("later"));
  assert.equal(host.poll(), 1, "reported again once resumed");
});

test("readiness: a source a waiting fence takes at once is served without waiting, and later data still arrives", () => {
  const host = new MemoryHost();
  const { guest, peers } = crossDomainSetup(host);
  guest.start(1);
  const f1 = guest.fence(CrossDomainRing.Channel);
  peers[0]!.send(text("one"));
  assert.equal(host.poll(), 1);
  assert.ok(guest.isComplete(1, f1));
  assert.equal(received(guest.readChannel()), "one");
  peers[0]!.send(text("two"));
  assert.equal(host.poll(), 1, "no fence now: reported once, then paused");
  const f2 = guest.fence(CrossDomainRing.Channel);
  assert.ok(guest.isComplete(1, f2));
  assert.equal(received(guest.readChannel()), "two");
});
