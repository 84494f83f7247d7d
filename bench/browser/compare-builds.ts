// npx tsx bench/browser/compare-builds.ts NAME=DIR NAME=DIR…: the player page of several checkouts (each bundled and
// served from its own web/) in one headless Chromium, replay and painting rounds interleaved between them, so that
// the load of a shared machine falls on every build alike. ROUNDS (default 51) rounds after 10 warm-up replays; prints
// the median ms per replay of the Linux trace. A checkout made with `git worktree add` or `git archive` works.
import { resolve } from "node:path";
import type { Page } from "puppeteer-core";
import { launchChromium } from "../../test/browser/chromium.ts";
import type { DemoServer } from "../../web/server/serve.ts";
import { median } from "../harness.ts";

const ROUNDS = Number(process.env.ROUNDS ?? 51);
const KINDS = ["measure", "measureCanvas"] as const;
const builds = process.argv.slice(2).map((arg) => {
  const at = arg.indexOf("=");
  if (at <= 0) throw new Error(`usage: compare-builds.ts NAME=DIR… (got ${arg})`);
  return { name: arg.slice(0, at), dir: resolve(arg.slice(at + 1)) };
});

const browser = await launchChromium();
const servers: DemoServer[] = [];
try {
  const pages: { name: string; page: Page }[] = [];
  for (const { name, dir } of builds) {
    const { startDemoServer } = (await import(
      `${dir}/web/server/serve.ts`
    )) as typeof import("../../web/server/serve.ts");
    const server = await startDemoServer();
    servers.push(server);
    const page = await browser.newPage();
    await page.goto(`${server.url}player.html?trace=fixtures/linux-640x480.trace&frame=end`);
    await page.waitForFunction("globalThis.rutabagaPlayer?.ready === true");
    pages.push({ name, page });
  }
  // A string, not a function: tsx's helpers are not defined in the page.
  const run = (page: Page, kind: string, n: number) =>
    page.evaluate(`globalThis.rutabagaPlayer.${kind}(${n})`) as Promise<number[]>;
  for (const { page } of pages) for (const kind of KINDS) await run(page, kind, 10);
  const times = new Map<string, number[]>();
  for (let i = 0; i < ROUNDS; i++) {
    for (const { name, page } of pages) {
      for (const kind of KINDS) {
        const key = `${name}: ${kind === "measure" ? "replayTrace, framebuffer sink" : "TraceStepper, CanvasSink"}`;
        times.set(key, [...(times.get(key) ?? []), ...(await run(page, kind, 1))]);
      }
    }
  }
  console.log(`Chromium ${await browser.version()}, ${ROUNDS} interleaved rounds, median ms per replay`);
  for (const [key, values] of times) console.log(`${key.padEnd(48)} ${median(values).toFixed(2)}`);
} finally {
  await browser.close();
  for (const s of servers) await s.close();
}
