// The console's data plane, catalogue, update and fleet views in a real browser.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasChromium, startBrowser, type TestBrowser } from "../support/browser.ts";
import { nativePluginZip } from "../support/plugin-zips.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { waitFor } from "../support/wait.ts";
import {
  expectClean,
  namedPortableZip,
  newName,
  openView,
  pluginRow,
  screenshot,
} from "./console-kit.ts";

const slow = 30_000;
const portable = newName("uid");
const crashing = newName("uic");
let server: TestServer;
let zips: ReturnType<typeof Bun.serve>;
let browser: TestBrowser;

/** Serves `/<portable>.zip` and, for any other `…/<type>/<name>[_arch].zip`, a native zip. */
function zipFor(request: Request): Response {
  const path = new URL(request.url).pathname;
  if (path === `/${portable}.zip`) return new Response(namedPortableZip(portable));
  if (path === `/${crashing}.zip`) {
    return new Response(namedPortableZip(crashing, { crashOnSignal: true }));
  }
  const match = /\/(sources|sinks|functions)\/([A-Za-z0-9-]+)(?:_[a-z0-9]+)?\.zip$/.exec(path);
  if (!match?.[1] || !match[2]) return new Response("not found", { status: 404 });
  const type = match[1] as "sources" | "sinks" | "functions";
  return new Response(nativePluginZip({ type, name: match[2] }));
}

beforeAll(async () => {
  if (!hasChromium) return;
  zips = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: zipFor });
  const origin = `http://127.0.0.1:${zips.port}`;
  server = await startServer({ config: `basic:\n  pluginHosts: ${origin}\n` });
  const created = await server.send("POST", "/plugins/portables", {
    name: portable,
    file: `${origin}/${portable}.zip`,
  });
  expect(created.status).toBe(201);
  browser = await startBrowser();
});

afterAll(async () => {
  if (!hasChromium) return;
  await browser[Symbol.asyncDispose]();
  await server[Symbol.asyncDispose]();
  await zips.stop(true);
});

describe.skipIf(!hasChromium)("the console's other views", () => {
  test(
    "shows a portable plugin that keeps crashing: error, and its last error with its output lines",
    async () => {
      const origin = `http://127.0.0.1:${zips.port}`;
      const body = { name: crashing, file: `${origin}/${crashing}.zip` };
      const created = await server.send("POST", "/plugins/portables", body);
      expect(await created.text()).toContain("is created");
      await using watched = await browser.open(server.url);
      const { page } = watched;
      await page.goto(`${server.url}/ui/`);
      const row = pluginRow(page, crashing);
      await row.locator("summary").click();
      // From now on each start of the program prints two lines and exits at once.
      const again = {
        exitAtOnce: { code: 3, lines: ["boom: the sensor is gone", "boom: giving up"] },
      };
      writeFileSync(
        join(server.home, "plugins", "portable", crashing, "behaviour.json"),
        JSON.stringify(again),
      );
      const status = await server.request(`/plugins/portables/${crashing}/status`);
      process.kill(((await status.json()) as { pid: number }).pid, "SIGUSR1");
      await row.locator(".badge.error").waitFor();
      await row.locator(".error-text", { hasText: "exited with code 3" }).waitFor();
      expect(await row.locator(".error-text").textContent()).toContain("boom: the sensor is gone");
      await screenshot(page, "crash");
      expect(
        (await server.request(`/plugins/portables/${crashing}`, { method: "DELETE" })).status,
      ).toBe(200);
      expectClean(watched);
    },
    slow,
  );

  test(
    "watches a portable source live, pauses it, and sends a message to a sink",
    async () => {
      await using watched = await browser.open(server.url);
      const { page } = watched;
      await page.goto(`${server.url}/ui/`);
      await openView(page, "Data");
      await page.getByLabel("Source", { exact: true }).selectOption(`${portable}/${portable}_src`);
      await page.getByRole("button", { name: "Watch" }).click();
      const messages = page.getByRole("log", { name: "source messages" });
      await messages.getByText("{").first().waitFor();
      await page.getByRole("button", { name: "Pause" }).click();
      const frozen = await messages.textContent();
      // Paused: the source goes on sending (its session counts it); the page shows no more.
      const sent = async () => {
        const answer = await server.request(`/plugins/portables/${portable}/sessions`);
        const sessions = (await answer.json()) as { messages: number }[];
        return sessions.reduce((sum, session) => sum + session.messages, 0);
      };
      const before = await sent();
      await waitFor(async () => (await sent()) >= before + 3, "three more source messages");
      expect(await messages.textContent()).toBe(frozen);
      await page.getByLabel("Sink", { exact: true }).selectOption(`${portable}/${portable}_sink`);
      await page.getByLabel("Message (JSON)").fill('{"temperature": 22}');
      await page.getByRole("button", { name: "Send" }).click();
      await page.locator("#send-result", { hasText: '"sent":1' }).waitFor();
      await screenshot(page, "data");
      // The watch is a REST session of the plugin, which its row shows.
      await openView(page, "Plugins");
      const row = pluginRow(page, portable);
      await row.locator("summary").click();
      await row.getByText(`source ${portable}_src (127.0.0.1)`).waitFor();
      await openView(page, "Data");
      await page.getByRole("button", { name: "Stop" }).click();
      expectClean(watched);
    },
    slow,
  );

  test(
    "installs from the prebuilt catalogue in one click and updates from a new URL",
    async () => {
      await using watched = await browser.open(server.url);
      const { page } = watched;
      await page.goto(`${server.url}/ui/`);
      await openView(page, "Install");
      const item = page
        .getByRole("listitem")
        .filter({ has: page.getByRole("button", { name: "Install sinks zmq" }) });
      await item.getByRole("button").click();
      await item.getByText("sinks plugin zmq is created").waitFor();
      await openView(page, "Plugins");
      const row = pluginRow(page, "zmq");
      await row.locator("summary").click();
      await row.getByLabel("New zip URL").fill(`http://127.0.0.1:${zips.port}/sinks/zmq.zip`);
      await row.getByRole("button", { name: "Update" }).click();
      await row.getByText("plugin zmq is updated").waitFor();
      expectClean(watched);
    },
    slow,
  );

  test(
    "downloads the export, and shows an import's dry-run plan before applying it",
    async () => {
      await using watched = await browser.open(server.url);
      const { page } = watched;
      await page.goto(`${server.url}/ui/`);
      await openView(page, "Fleet");
      const download = page.waitForEvent("download");
      await page.getByRole("button", { name: "Download the export" }).click();
      const file = await (await download).path();
      const exported = JSON.parse(readFileSync(file, "utf8")) as {
        portablePlugins: Record<string, string>;
      };
      expect(Object.keys(exported.portablePlugins)).toEqual([portable]);
      const wanted = {
        ...exported,
        nativePlugins: {
          sinks_fleetsink: JSON.stringify({
            name: "fleetsink",
            file: `http://127.0.0.1:${zips.port}/sinks/fleetsink.zip`,
          }),
        },
      };
      await page.getByLabel("Export file to import").setInputFiles({
        name: "export.json",
        mimeType: "application/json",
        buffer: Buffer.from(JSON.stringify(wanted)),
      });
      await page.getByRole("button", { name: "Show the plan (dry run)" }).click();
      const plan = page.locator("#import-plan");
      await plan.getByRole("row").filter({ hasText: "fleetsink" }).getByText("install").waitFor();
      expect(await plan.getByRole("row").filter({ hasText: "zmq" }).textContent()).toContain(
        "remove",
      );
      expect((await server.request("/plugins/sinks/fleetsink")).status).toBe(404);
      await screenshot(page, "fleet");
      await page.getByRole("button", { name: "Apply the import" }).click();
      await page.locator("#fleet-status", { hasText: "Imported." }).waitFor();
      expect((await server.request("/plugins/sinks/fleetsink")).status).toBe(200);
      expectClean(watched);
    },
    slow,
  );
});
