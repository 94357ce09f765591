// The console in a real browser: installing, uploading, refusals, logs, functions, deleting.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hasChromium, startBrowser, type TestBrowser } from "../support/browser.ts";
import { type FileServer, startFileServer } from "../support/http-fixtures.ts";
import { nativePluginZip } from "../support/plugin-zips.ts";
import { startServer, type TestServer } from "../support/server.ts";
import {
  expectClean,
  fillInstallForm,
  namedPortableZip,
  newName,
  noise,
  openView,
  pluginRow,
  screenshot,
} from "./console-kit.ts";

let server: TestServer;
let zips: FileServer;
let browser: TestBrowser;
const portable = newName("uip");
/** A browser test waits for plugd, a plugin process and chromium: more than bun's 5 s. */
const slow = 30_000;

beforeAll(async () => {
  if (!hasChromium) return;
  server = await startServer();
  zips = startFileServer({
    [`/${portable}.zip`]: namedPortableZip(portable),
    "/hostile.zip": nativePluginZip({
      type: "sinks",
      name: "hostile",
      extra: { "../escape.txt": "x" },
    }),
  });
  browser = await startBrowser();
});

afterAll(async () => {
  if (!hasChromium) return;
  await browser[Symbol.asyncDispose]();
  await zips[Symbol.asyncDispose]();
  await server[Symbol.asyncDispose]();
});

describe.skipIf(!hasChromium)("the console", () => {
  test(
    "installs a portable plugin from a URL and lists it as running",
    async () => {
      await using watched = await browser.open(server.url);
      const { page } = watched;
      await page.goto(`${server.url}/ui/`);
      await fillInstallForm(page, {
        kind: "portables",
        name: portable,
        url: zips.url(`/${portable}.zip`),
      });
      await page.getByRole("button", { name: "Install plugin" }).click();
      await page
        .locator("#install-result", { hasText: `portable plugin ${portable} is created` })
        .waitFor();
      await openView(page, "Plugins");
      await pluginRow(page, portable).locator(".badge.running").waitFor();
      await screenshot(page, "plugins");
      expectClean(watched);
    },
    slow,
  );

  test(
    "shows a portable plugin's live log lines, pausable and filtered",
    async () => {
      await using watched = await browser.open(server.url);
      const { page } = watched;
      await page.goto(`${server.url}/ui/`);
      await pluginRow(page, portable).locator("summary").click();
      await pluginRow(page, portable).getByText("Pid").waitFor();
      await page.getByRole("button", { name: `Logs of ${portable}` }).click();
      const output = page.getByRole("log", { name: "log lines" });
      await output.getByText(`plugin ${portable} started`).waitFor();
      await page.getByRole("button", { name: "Pause" }).click();
      expect(await page.getByRole("button", { name: "Resume" }).getAttribute("aria-pressed")).toBe(
        "true",
      );
      await page.getByLabel("Show lines containing").fill("started, pid");
      await output.getByText(`plugin ${portable} started`).waitFor();
      await screenshot(page, "logs");
      expectClean(watched);
    },
    slow,
  );

  test(
    "calls a function from the registry and shows its result",
    async () => {
      await using watched = await browser.open(server.url);
      const { page } = watched;
      await page.goto(`${server.url}/ui/`);
      await openView(page, "Functions");
      await page.getByLabel("Function", { exact: true }).selectOption(`${portable}_echo`);
      await page.getByText(`is exported by plugin ${portable}`).waitFor();
      await page.getByLabel("Arguments (a JSON array)").fill('["hello from the console"]');
      await page.getByRole("button", { name: "Call" }).click();
      await page.locator("#fn-result", { hasText: '"hello from the console"' }).waitFor();
      const registry = page
        .getByRole("list")
        .filter({ hasText: `${portable}_echo` })
        .last();
      expect(await registry.textContent()).toContain(
        `${portable}_echo portables plugin ${portable}`,
      );
      await screenshot(page, "functions");
      expectClean(watched);
    },
    slow,
  );

  test(
    "uploads a zip from the computer with a progress bar, then installs it",
    async () => {
      await using watched = await browser.open(server.url);
      const { page } = watched;
      const name = newName("uisrc");
      await page.goto(`${server.url}/ui/`);
      await openView(page, "Install");
      await page.getByLabel("Kind", { exact: true }).selectOption("sources");
      await page.getByLabel("Name", { exact: true }).fill(name);
      const zip = Buffer.from(
        nativePluginZip({
          type: "sources",
          name,
          extra: { "etc/pad.bin": noise(512 * 1024) },
        }),
      );
      await page
        .getByLabel("or a zip file")
        .setInputFiles({ name: `${name}.zip`, mimeType: "application/zip", buffer: zip });
      await page.getByRole("button", { name: "Install plugin" }).click();
      await page
        .locator("#install-result", { hasText: `sources plugin ${name} is created` })
        .waitFor();
      const progress = page.getByRole("progressbar", { name: "upload progress" });
      expect(await progress.evaluate((p) => (p as unknown as { value: number }).value)).toBe(
        zip.byteLength,
      );
      expect(await progress.getAttribute("max")).toBe(String(zip.byteLength));
      await screenshot(page, "install");
      await openView(page, "Plugins");
      await pluginRow(page, name).getByText("v1.0.0").waitFor();
      expectClean(watched);
    },
    slow,
  );

  test(
    "shows plugd's refusal of a hostile zip word for word",
    async () => {
      await using watched = await browser.open(server.url);
      const { page } = watched;
      await page.goto(`${server.url}/ui/`);
      await fillInstallForm(page, {
        kind: "sinks",
        name: "hostile",
        url: zips.url("/hostile.zip"),
      });
      const answer = page.waitForResponse((r) => r.url().endsWith("/plugins/sinks"));
      await page.getByRole("button", { name: "Install plugin" }).click();
      const refusal = (await (await answer).json()) as { message: string };
      expect(refusal.message).toContain("../escape.txt");
      await page.locator("#install-result", { hasText: refusal.message }).waitFor();
      expect(await page.locator("#install-result").textContent()).toBe(`400: ${refusal.message}`);
      expectClean(watched, [400]);
    },
    slow,
  );

  test(
    "deletes a portable plugin after a confirmation that names its process",
    async () => {
      await using watched = await browser.open(server.url);
      const { page } = watched;
      await page.goto(`${server.url}/ui/`);
      const row = pluginRow(page, portable);
      await row.locator("summary").click();
      await row.getByRole("button", { name: `Delete ${portable}` }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByText(/Its process \(pid \d+\) stops/).waitFor();
      expect(await dialog.textContent()).toContain(`its functions ${portable}_echo go`);
      await dialog.getByRole("button", { name: `Delete ${portable}` }).click();
      // The list's next read no longer has it, so its row goes.
      await row.waitFor({ state: "detached" });
      expect((await server.request(`/plugins/portables/${portable}`)).status).toBe(404);
      expectClean(watched);
    },
    slow,
  );

  test(
    "is readable 360 px wide",
    async () => {
      await using watched = await browser.open(server.url, { width: 360, height: 740 });
      const { page } = watched;
      await page.goto(`${server.url}/ui/`);
      await page.locator("#plugins-status", { hasText: "Updated" }).waitFor();
      // A string: the test project has no DOM types.
      const overflow = Number(
        await page.evaluate("document.documentElement.scrollWidth - window.innerWidth"),
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(page, "narrow");
      expectClean(watched);
    },
    slow,
  );
});
