// End to end: the compiled binary, driven as a user would (start, install, list, SIGTERM, exit).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTarget } from "../scripts/build.ts";
import { startFileServer } from "./support/http-fixtures.ts";
import { expectCleanStop, spawnPlugd } from "./support/plugd-process.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";

const work = mkdtempSync(join(tmpdir(), "plugd-e2e-"));
const binary = join(work, "plugd");
const hostTarget = `bun-linux-${process.arch}`;

beforeAll(async () => {
  const name = `linux-${process.arch}`;
  await buildTarget({ name, bunTarget: hostTarget, runtimePackage: "" }, binary, "e2e-test");
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

function freshHome(): string {
  return mkdtempSync(join(work, "home-"));
}

describe("the compiled binary", () => {
  test("prints its version, commit and target", async () => {
    const proc = Bun.spawn([binary, "version"], { stdout: "pipe", stderr: "pipe" });
    expect(await proc.exited).toBe(0);
    expect(await new Response(proc.stdout).text()).toBe(
      `plugd 0.1.0 (commit e2e-test, ${hostTarget})\n`,
    );
  });

  test("serves, installs and lists a plugin, and exits 0 on SIGTERM", async () => {
    await using plugd = await spawnPlugd([
      binary,
      "serve",
      "--home",
      freshHome(),
      "--host",
      "127.0.0.1",
      "--port",
      "0",
    ]);
    await using files = startFileServer({
      "/r.zip": nativePluginZip({ type: "sources", name: "random" }),
    });
    const created = await fetch(`${plugd.url}/plugins/sources`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "random", file: files.url("/r.zip") }),
    });
    expect(created.status).toBe(201);
    expect(await (await fetch(`${plugd.url}/plugins/sources`)).json()).toEqual(["random"]);
    plugd.proc.kill("SIGTERM");
    await expectCleanStop(plugd);
  });

  test("serves the console from the files inside it", async () => {
    await using plugd = await spawnPlugd([
      binary,
      ...["serve", "--home", freshHome()],
      ...["--host", "127.0.0.1", "--port", "0"],
    ]);
    const page = await fetch(`${plugd.url}/ui/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<title>plugd console</title>");
    const assets = [...html.matchAll(/(?:href|src)="\.\/([^"]+)"/g)].map((m) => m[1]);
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      const answer = await fetch(`${plugd.url}/ui/${asset}`);
      expect(answer.status).toBe(200);
      expect((await answer.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    plugd.proc.kill("SIGTERM");
    await expectCleanStop(plugd);
  });

  test("exits with 100 after answering a delete with ?stop=1", async () => {
    await using plugd = await spawnPlugd([
      binary,
      "serve",
      "--home",
      freshHome(),
      "--host",
      "127.0.0.1",
      "--port",
      "0",
    ]);
    await using files = startFileServer({
      "/s.zip": nativePluginZip({ type: "sinks", name: "s" }),
    });
    const body = JSON.stringify({ name: "s", file: files.url("/s.zip") });
    const headers = { "content-type": "application/json" };
    expect(
      (await fetch(`${plugd.url}/plugins/sinks`, { method: "POST", headers, body })).status,
    ).toBe(201);
    const res = await fetch(`${plugd.url}/plugins/sinks/s?stop=1`, { method: "DELETE" });
    expect(await res.text()).toBe("sinks plugin s is deleted and the server will be stopped");
    expect(await plugd.exited()).toBe(100);
  });

  test("refuses a bad configuration file at start with a message naming the key", async () => {
    const home = freshHome();
    await Bun.write(join(home, "etc", "plugd.yaml"), "basic:\n  restPort: many\n");
    const proc = Bun.spawn([binary, "serve", "--home", home], { stdout: "pipe", stderr: "pipe" });
    expect(await proc.exited).toBe(1);
    const err = await new Response(proc.stderr).text();
    expect(err).toContain("basic.restPort");
    expect(err).toContain("plugd cannot start");
  });
});
