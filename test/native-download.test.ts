// Downloads as the install sees them: hangs, size cap (413), checksums, concurrency (409).
import { describe, expect, test } from "bun:test";
import { neverAnswer, startFileServer } from "./support/http-fixtures.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { startServer } from "./support/server.ts";
import { snapshot } from "./support/snapshot.ts";

describe("plugin downloads", () => {
  test("a server that never answers fails the install after plugin.connectTimeout", async () => {
    await using server = await startServer({ config: "plugin:\n  connectTimeout: 200ms\n" });
    await using files = startFileServer({ "/hang.zip": neverAnswer() });
    const before = snapshot(server);
    const res = await server.send("POST", "/plugins/sinks", {
      name: "h",
      file: files.url("/hang.zip"),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain("timed out");
    expect(snapshot(server)).toEqual(before);
  });

  test("a zip over plugin.maxDownloadSize is refused with 413", async () => {
    await using server = await startServer({ config: "plugin:\n  maxDownloadSize: 1KiB\n" });
    const zip = nativePluginZip({
      type: "sinks",
      name: "big",
      soData: crypto.getRandomValues(new Uint8Array(4096)),
    });
    await using files = startFileServer({ "/big.zip": zip });
    const before = snapshot(server);
    const res = await server.send("POST", "/plugins/sinks", {
      name: "big",
      file: files.url("/big.zip"),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { message: string }).message).toContain("plugin.maxDownloadSize");
    expect(snapshot(server)).toEqual(before);
  });

  test("a 404 from the plugin host is a 400 that names the status", async () => {
    await using server = await startServer();
    await using files = startFileServer({});
    const res = await server.send("POST", "/plugins/sinks", {
      name: "x",
      file: files.url("/x.zip"),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain("404");
  });

  test("checks the sha256 when one is given", async () => {
    await using server = await startServer();
    const zip = nativePluginZip({ type: "sinks", name: "sum" });
    const digest = new Bun.CryptoHasher("sha256").update(zip).digest("hex");
    await using files = startFileServer({ "/sum.zip": zip });
    const before = snapshot(server);
    const wrong = "0".repeat(64);
    const bad = await server.send("POST", "/plugins/sinks", {
      name: "sum",
      file: files.url("/sum.zip"),
      sha256: wrong,
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain(
      `expected sha256 ${wrong}, got ${digest}`,
    );
    expect(snapshot(server)).toEqual(before);
    const good = await server.send("POST", "/plugins/sinks", {
      name: "sum",
      file: files.url("/sum.zip"),
      sha256: digest.toUpperCase(),
    });
    expect(good.status).toBe(201);
    expect(server.plugd.ctx.store.plugins.get("sinks", "sum")?.sha256).toBe(digest);
  });

  test("a second change to the same plugin while one runs gets 409", async () => {
    await using server = await startServer();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived: () => void = () => {};
    const requested = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const zip = nativePluginZip({ type: "sinks", name: "slow" });
    await using files = startFileServer({
      "/slow.zip": async () => {
        arrived();
        await gate;
        return new Response(zip);
      },
    });
    const body = { name: "slow", file: files.url("/slow.zip") };
    const first = server.send("POST", "/plugins/sinks", body);
    await requested;
    const second = await server.send("POST", "/plugins/sinks", body);
    expect(second.status).toBe(409);
    expect(((await second.json()) as { message: string }).message).toContain("in progress");
    release();
    expect((await first).status).toBe(201);
  });
});
