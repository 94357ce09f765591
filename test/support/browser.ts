// Debian's chromium driven by playwright-core, for the console's tests: one browser per test file.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const chromiumPath = "/usr/bin/chromium";

/** False (with the reason printed once) when the system chromium is missing: the tests skip. */
export const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  console.warn(
    `browser tests skipped: no ${chromiumPath} (apt-get install chromium; .ci/run does)`,
  );
}

const args = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A page of the console with what it did wrong: requests elsewhere, console errors. */
export interface WatchedPage extends AsyncDisposable {
  readonly page: Page;
  /** Requests to any origin but plugd's (none allowed). */
  readonly foreign: string[];
  /** console.error messages and uncaught page errors (none allowed). */
  readonly errors: string[];
}

export interface TestBrowser extends AsyncDisposable {
  /** A new tab (its own sessionStorage) watching requests and errors; `origin` is plugd's. */
  open(origin: string, options?: { width?: number; height?: number }): Promise<WatchedPage>;
}

/** Starts chromium headless with a fresh profile folder, removed with the browser. */
export async function startBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "plugd-chromium-"));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: false,
    args,
    viewport: { width: 1100, height: 800 },
  });
  // Under the tests' own 30 s, so that a wait that fails says what it waited for.
  context.setDefaultTimeout(10_000);
  return {
    async open(origin, options = {}) {
      const page = await context.newPage();
      await page.setViewportSize({ width: options.width ?? 1100, height: options.height ?? 800 });
      const foreign: string[] = [];
      const errors: string[] = [];
      page.on("request", (request) => {
        const url = request.url();
        if (!url.startsWith(`${origin}/`) && !url.startsWith("blob:")) foreign.push(url);
      });
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      page.on("pageerror", (error) => errors.push(String(error)));
      return { page, foreign, errors, [Symbol.asyncDispose]: () => page.close() };
    },
    [Symbol.asyncDispose]: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where the tests save screenshots (git ignores it). */
export const screenshotDir = join(import.meta.dir, "..", "..", "test-output", "ui");
