// plugin.allowedHosts and plugin.allowExternalFileAccess, seen through the REST API.
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFileServer } from "./support/http-fixtures.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { startServer } from "./support/server.ts";

const zip = nativePluginZip({ type: "sinks", name: "s" });

async function messageOf(res: Response): Promise<string> {
  return ((await res.json()) as { message: string }).message;
}

describe("plugin.allowedHosts", () => {
  test("refuses a create from a host not listed, before any request is made", async () => {
    await using server = await startServer({
      config: "plugin:\n  allowedHosts: [plugins.example.com]\n",
    });
    await using files = startFileServer({ "/s.zip": zip });
    const res = await server.send("POST", "/plugins/sinks", {
      name: "s",
      file: files.url("/s.zip"),
    });
    expect(res.status).toBe(400);
    expect(await messageOf(res)).toContain("host 127.0.0.1 is not allowed (plugin.allowedHosts)");
    expect(files.hits("/s.zip")).toBe(0);
    expect(await (await server.request("/plugins/sinks")).json()).toEqual([]);
  });

  test("serves a create from a listed network", async () => {
    await using server = await startServer({ config: "plugin:\n  allowedHosts: [127.0.0.0/8]\n" });
    await using files = startFileServer({ "/s.zip": zip });
    const res = await server.send("POST", "/plugins/sinks", {
      name: "s",
      file: files.url("/s.zip"),
    });
    expect(res.status).toBe(201);
  });

  test("refuses a redirect to a host not listed, and never contacts that host", async () => {
    let reached = 0;
    await using elsewhere = Bun.serve({
      hostname: "127.0.0.2",
      port: 0,
      fetch: () => {
        reached++;
        return new Response(zip);
      },
    });
    const target = `http://127.0.0.2:${elsewhere.port}/s.zip`;
    await using files = startFileServer({
      "/s.zip": () => new Response(null, { status: 302, headers: { location: target } }),
    });
    await using server = await startServer({ config: "plugin:\n  allowedHosts: [127.0.0.1]\n" });
    const res = await server.send("POST", "/plugins/sinks", {
      name: "s",
      file: files.url("/s.zip"),
    });
    expect(res.status).toBe(400);
    expect(await messageOf(res)).toContain(
      `redirect to ${target} refused: host 127.0.0.2 is not allowed (plugin.allowedHosts)`,
    );
    expect(files.hits("/s.zip")).toBe(1);
    expect(reached).toBe(0);
  });

  test("applies to uploads fetched from a URL too", async () => {
    await using server = await startServer({
      config: "plugin:\n  allowedHosts: [plugins.example.com]\n",
    });
    await using files = startFileServer({ "/s.zip": zip });
    const res = await server.send("POST", "/config/uploads", {
      name: "s.zip",
      file: files.url("/s.zip"),
    });
    expect(res.status).toBe(400);
    expect(await messageOf(res)).toContain("host 127.0.0.1 is not allowed (plugin.allowedHosts)");
  });

  test("a bad network in plugin.allowedHosts stops the start", async () => {
    const config = "plugin:\n  allowedHosts: [10.0.0.0/40]\n";
    await expect(startServer({ config })).rejects.toThrow(
      "plugin.allowedHosts: 10.0.0.0/40 is not a valid address or network",
    );
  });
});

describe("plugin.allowExternalFileAccess: false", () => {
  const config = "plugin:\n  allowExternalFileAccess: false\n";

  test("refuses a file:// create outside data/uploads/", async () => {
    await using server = await startServer({ config });
    const outside = join(server.home, "outside.zip");
    writeFileSync(outside, zip);
    const res = await server.send("POST", "/plugins/sinks", {
      name: "s",
      file: `file://${outside}`,
    });
    expect(res.status).toBe(400);
    expect(await messageOf(res)).toContain(
      `file:// URLs must point into ${join(server.home, "data", "uploads")} (plugin.allowExternalFileAccess is false)`,
    );
    expect(await (await server.request("/plugins/sinks")).json()).toEqual([]);
  });

  test("installs a file:// zip from data/uploads/", async () => {
    await using server = await startServer({ config });
    const form = new FormData();
    form.append("uploadFile", new File([zip], "s.zip"));
    const stored = await (
      await server.request("/config/uploads", { method: "POST", body: form })
    ).text();
    const res = await server.send("POST", "/plugins/sinks", {
      name: "s",
      file: `file://${stored}`,
    });
    expect(res.status).toBe(201);
  });
});
