// Portable plugins across updates, plugd restarts and a plugd that was killed.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFileServer } from "./support/http-fixtures.ts";
import { expectCleanStop, plugdFromSource, spawnPlugd } from "./support/plugd-process.ts";
import { uniquePluginName } from "./support/portable-plugins/fixture-plugin.ts";
import { portablePluginZip } from "./support/portable-zips.ts";
import { startServer, type TestServer } from "./support/server.ts";
import { snapshot } from "./support/snapshot.ts";
import { isAlive, waitFor } from "./support/wait.ts";

const fast = "portable:\n  initTimeout: 1s\n  stopTimeout: 500ms\n";

async function statusOf(
  base: string,
  name: string,
): Promise<{ status: string; pid: number; version?: string }> {
  return (await (await fetch(`${base}/plugins/portables/${name}`)).json()) as {
    status: string;
    pid: number;
  };
}

async function install(server: TestServer, name: string, url: string): Promise<void> {
  const res = await server.send("POST", "/plugins/portables", { name, file: url });
  expect(res.status).toBe(201);
}

describe("PUT /plugins/portables/{name}", () => {
  test("swaps in the new version once it has shaken hands", async () => {
    await using server = await startServer({ config: fast });
    const name = uniquePluginName();
    await using files = startFileServer({
      "/v1.zip": portablePluginZip({ name }),
      "/v2.zip": portablePluginZip({ name, manifest: { version: "2.0.0" } }),
    });
    await install(server, name, files.url("/v1.zip"));
    const old = await statusOf(server.url, name);
    const res = await server.send("PUT", `/plugins/portables/${name}`, {
      name,
      file: files.url("/v2.zip"),
    });
    expect(await res.text()).toBe(`portable plugin ${name} is updated`);
    const now = await statusOf(server.url, name);
    expect(now).toMatchObject({ version: "2.0.0", status: "running" });
    expect(now.pid).not.toBe(old.pid);
    expect(isAlive(old.pid)).toBe(false);
  });

  test("a failed update leaves the old version installed and running", async () => {
    await using server = await startServer({
      config: "portable:\n  initTimeout: 400ms\n  stopTimeout: 300ms\n",
    });
    const name = uniquePluginName();
    await using files = startFileServer({
      "/v1.zip": portablePluginZip({ name }),
      "/bad.zip": portablePluginZip({
        name,
        manifest: { version: "2.0.0" },
        behaviour: { neverHandshake: true },
      }),
    });
    await install(server, name, files.url("/v1.zip"));
    const before = snapshot(server);
    const res = await server.send("PUT", `/plugins/portables/${name}`, {
      name,
      file: files.url("/bad.zip"),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain("did not start");
    expect(snapshot(server)).toEqual(before);
    const now = await statusOf(server.url, name);
    expect(now).toMatchObject({ version: "1.0.0", status: "running" });
    expect(isAlive(now.pid)).toBe(true);
  });
});

describe("plugd restarts", () => {
  test("stopping plugd stops its plugins and starting it again starts them", async () => {
    const server = await startServer({ config: fast });
    const name = uniquePluginName();
    await using files = startFileServer({ "/p.zip": portablePluginZip({ name }) });
    await install(server, name, files.url("/p.zip"));
    const { pid } = await statusOf(server.url, name);
    await server.plugd.stop();
    expect(isAlive(pid)).toBe(false);
    await using again = await server.restart();
    await waitFor(
      async () => (await statusOf(again.url, name)).status === "running",
      "the plugin to run again",
    );
    const now = await statusOf(again.url, name);
    expect(now.pid).not.toBe(pid);
    expect(isAlive(now.pid)).toBe(true);
  });

  test("a plugin process left behind by a killed plugd is ended at the next start", async () => {
    const home = mkdtempSync(join(tmpdir(), "plugd-orphan-"));
    try {
      await Bun.write(join(home, "etc", "plugd.yaml"), fast);
      const command = plugdFromSource(home);
      const name = uniquePluginName();
      // resendMs makes it redial and re-send like the legacy mirror2: it outlives its host.
      await using files = startFileServer({
        "/p.zip": portablePluginZip({ name, behaviour: { resendMs: 1000 } }),
      });
      let orphan = 0;
      {
        await using first = await spawnPlugd(command);
        const res = await fetch(`${first.url}/plugins/portables`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name, file: files.url("/p.zip") }),
        });
        expect(res.status).toBe(201);
        orphan = (await statusOf(first.url, name)).pid;
        first.proc.kill("SIGKILL");
        await first.exited();
      }
      expect(isAlive(orphan)).toBe(true);
      await using second = await spawnPlugd(command);
      await waitFor(() => !isAlive(orphan), "the orphan to be ended");
      await waitFor(
        async () => (await statusOf(second.url, name)).status === "running",
        "the new process",
      );
      const now = await statusOf(second.url, name);
      expect(now.pid).not.toBe(orphan);
      second.proc.kill("SIGTERM");
      await expectCleanStop(second);
      expect(isAlive(now.pid)).toBe(false);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
