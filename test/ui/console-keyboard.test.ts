// The console used by keyboard alone, with every control labelled, and an install seen running.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hasChromium, startBrowser, type TestBrowser } from "../support/browser.ts";
import { type FileServer, startFileServer } from "../support/http-fixtures.ts";
import { nativePluginZip } from "../support/plugin-zips.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { expectClean, fillInstallForm, pluginRow } from "./console-kit.ts";

const slow = 30_000;
let server: TestServer;
let zips: FileServer;
let browser: TestBrowser;
/** Lets the held zip answer go. */
let release: () => void = () => {};

beforeAll(async () => {
  if (!hasChromium) return;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  zips = startFileServer({
    "/held.zip": async () => {
      await held;
      return new Response(nativePluginZip({ type: "sinks", name: "held" }));
    },
  });
  server = await startServer();
  const zip = nativePluginZip({ type: "sources", name: "keyed" });
  await using local = startFileServer({ "/keyed.zip": zip });
  const created = await server.send("POST", "/plugins/sources", {
    name: "keyed",
    file: local.url("/keyed.zip"),
  });
  expect(created.status).toBe(201);
  browser = await startBrowser();
});

afterAll(async () => {
  if (!hasChromium) return;
  release();
  await browser[Symbol.asyncDispose]();
  await zips[Symbol.asyncDispose]();
  await server[Symbol.asyncDispose]();
});

/** Every input, select, textarea and button without an accessible name (a script in the page). */
const unlabelled = `[...document.querySelectorAll("input, select, textarea, button")]
  .filter((el) => !(el.labels && el.labels.length > 0) && !el.getAttribute("aria-label") && !el.textContent.trim())
  .map((el) => el.outerHTML)`;

describe.skipIf(!hasChromium)("the console, by keyboard", () => {
  test(
    "labels every control of every view",
    async () => {
      await using watched = await browser.open(server.url);
      const { page } = watched;
      await page.goto(`${server.url}/ui/`);
      await pluginRow(page, "keyed").locator("summary").click();
      await pluginRow(page, "keyed").getByRole("button", { name: "Delete keyed" }).waitFor();
      expect(await page.evaluate(unlabelled)).toEqual([]);
      expectClean(watched);
    },
    slow,
  );

  test(
    "opens a plugin, asks to delete it and cancels, with keys only",
    async () => {
      await using watched = await browser.open(server.url);
      const { page } = watched;
      await page.goto(`${server.url}/ui/`);
      await pluginRow(page, "keyed").waitFor();
      await page.getByLabel("Filter by name").focus();
      await page.keyboard.type("key");
      await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
      const row = pluginRow(page, "keyed");
      await row.getByText("Version").waitFor();
      await page.keyboard.press("Tab");
      expect(await page.evaluate("document.activeElement.outerHTML")).toBe(
        '<button type="button" class="danger">Delete keyed</button>',
      );
      await page.keyboard.press("Enter");
      await page.getByRole("dialog").getByText("Delete sources plugin keyed?").waitFor();
      await page.keyboard.press("Escape");
      await row.getByText("Not deleted.").waitFor();
      expect((await server.request("/plugins/sources/keyed")).status).toBe(200);
      expectClean(watched);
    },
    slow,
  );

  test(
    "shows an install while it runs, then its answer",
    async () => {
      await using watched = await browser.open(server.url);
      const { page } = watched;
      await page.goto(`${server.url}/ui/`);
      await fillInstallForm(page, { kind: "sinks", name: "held", url: zips.url("/held.zip") });
      await page.getByRole("button", { name: "Install plugin" }).click();
      await page.locator("#install-result", { hasText: "Installing sinks plugin held…" }).waitFor();
      expect(await page.getByRole("button", { name: "Install plugin" }).isDisabled()).toBe(true);
      release();
      await page.locator("#install-result", { hasText: "sinks plugin held is created" }).waitFor();
      expect(await page.getByRole("button", { name: "Install plugin" }).isDisabled()).toBe(false);
      expectClean(watched);
    },
    slow,
  );
});
