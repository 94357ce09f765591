// The console with tokens on: the page loads, asks for a token, keeps it in sessionStorage only.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { hasChromium, startBrowser, type TestBrowser } from "../support/browser.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { makeSigner, signToken } from "../support/tokens.ts";
import { expectClean, openView, screenshot } from "./console-kit.ts";

const signer = makeSigner();
const slow = 30_000;
let server: TestServer;
let browser: TestBrowser;

beforeAll(async () => {
  if (!hasChromium) return;
  server = await startServer({
    config: "basic:\n  authentication: true\n",
    files: { "etc/mgmt/Sample_Key.pub": signer.publicPem },
  });
  browser = await startBrowser();
});

afterAll(async () => {
  if (!hasChromium) return;
  await browser[Symbol.asyncDispose]();
  await server[Symbol.asyncDispose]();
});

describe.skipIf(!hasChromium)("the console with authentication on", () => {
  test(
    "a browser opening / is sent to the page, which asks for a token and then lists plugins",
    async () => {
      await using watched = await browser.open(server.url);
      const { page } = watched;
      await page.goto(server.url);
      expect(new URL(page.url()).pathname).toBe("/ui/");
      const banner = page.getByRole("alert");
      await banner.getByText("plugd needs a token (401)").waitFor();
      await screenshot(page, "token");
      await page
        .getByLabel("Token (kept in this tab only)")
        .fill(await signToken(signer, "Sample_Key.pub"));
      await page.getByRole("button", { name: "Use token" }).click();
      await page.locator("#plugins-status", { hasText: "Updated" }).waitFor();
      expect(await banner.isHidden()).toBe(true);
      const stored = await page.evaluate("[sessionStorage.length, localStorage.length]");
      expect(stored).toEqual([1, 0]);
      await openView(page, "Server");
      const facts = page.locator("#server-facts");
      await facts.getByText("tokens required (this tab sends the token you gave)").waitFor();
      const port = new URL(server.url).port;
      const shown = await factsByTerm(page);
      expect(shown.Version).toBe("0.1.0");
      expect(shown["Listening on"]).toBe(`http://127.0.0.1:${port}`);
      expect(shown.Home).toBe(server.home);
      expect(shown.Store).toBe(join(server.home, "data", "plugd.db"));
      // "1.2 GiB of 50.0 GiB (1288490188 bytes)": the exact figure is statfs's, so positive.
      const free = /^\d+\.\d (KiB|MiB|GiB|TiB) of .+ \((\d+) bytes\)$/.exec(
        shown["Disk free in the home"] ?? "",
      );
      expect(Number(free?.[2])).toBeGreaterThan(0);
      await screenshot(page, "server");
      expectClean(watched, [401]);
    },
    slow,
  );

  test(
    "a refused token is said so, with plugd's reason",
    async () => {
      await using watched = await browser.open(server.url);
      const { page } = watched;
      await page.goto(`${server.url}/ui/`);
      await page.getByRole("alert").getByText("plugd needs a token (401)").waitFor();
      await page.getByLabel("Token (kept in this tab only)").fill("not-a-token");
      await page.getByRole("button", { name: "Use token" }).click();
      await page.getByRole("alert").getByText("The token was refused (401)").waitFor();
      expectClean(watched, [401]);
    },
    slow,
  );
});

/** The Server view's facts, by their term (dt) as the page shows them. */
async function factsByTerm(page: Page): Promise<Record<string, string>> {
  const terms = await page.locator("#server-facts dt").allTextContents();
  const values = await page.locator("#server-facts dd").allTextContents();
  return Object.fromEntries(terms.map((term, at) => [term, values[at] ?? ""]));
}
