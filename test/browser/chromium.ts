import { existsSync } from "node:fs";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

/** Debian's Chromium (scripts/deps.d/browser.sh); CHROMIUM_PATH names another. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Starts headless Chromium (`--no-sandbox` when running as root, which Chromium's sandbox refuses) with `extraArgs`
 * (WebGL2 needs {@link SWIFTSHADER_ARGS}).
 */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (bash scripts/setup.sh installs Debian's)`);
  const args = ["--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--mute-audio", ...extraArgs];
  if (process.getuid?.() === 0) args.push("--no-sandbox");
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args, timeout: 30_000 });
}

/** WebGL2 on the CPU in headless Chromium: ANGLE on SwiftShader (docs/webgl2-gaps.md). */
export const SWIFTSHADER_ARGS = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"] as const;

/** A page whose errors (uncaught exceptions, console errors, failed requests) are collected in `problems`. */
export async function watchedPage(browser: Browser): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e instanceof Error ? e.message : String(e)}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return { page, problems };
}

/** The RGBA pixels of a canvas on the page. */
export async function canvasPixels(
  page: Page,
  selector: string,
): Promise<{ width: number; height: number; rgba: Uint8Array }> {
  const { width, height, data } = await page.$eval(selector, (el) => {
    // The page's DOM types are not in the Node tsconfig: the canvas as far as this function uses it.
    const c = el as unknown as {
      width: number;
      height: number;
      getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
    };
    const pixels = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let s = "";
    for (let i = 0; i < pixels.length; i += 0x8000) s += String.fromCharCode(...pixels.subarray(i, i + 0x8000));
    return { width: c.width, height: c.height, data: btoa(s) };
  });
  return { width, height, rgba: new Uint8Array(Buffer.from(data, "base64")) };
}
