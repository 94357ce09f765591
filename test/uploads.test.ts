// /config/uploads: JSON content, multipart files, URLs; list, delete; installs from uploads.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startFileServer } from "./support/http-fixtures.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { startServer } from "./support/server.ts";

describe("/config/uploads", () => {
  test("stores JSON content and lists and deletes it", async () => {
    await using server = await startServer();
    const res = await server.send("POST", "/config/uploads", {
      name: "notes.txt",
      content: "hello",
    });
    expect(res.status).toBe(201);
    const path = join(server.home, "data/uploads/notes.txt");
    expect(await res.text()).toBe(path);
    expect(readFileSync(path, "utf8")).toBe("hello");
    expect(await (await server.request("/config/uploads")).json()).toEqual([path]);
    const del = await server.request("/config/uploads/notes.txt", { method: "DELETE" });
    expect(del.status).toBe(200);
    expect(await (await server.request("/config/uploads")).json()).toEqual([]);
    expect((await server.request("/config/uploads/notes.txt", { method: "DELETE" })).status).toBe(
      404,
    );
  });

  test("stores a multipart upload, which a file:// install can then use", async () => {
    await using server = await startServer();
    const zip = nativePluginZip({ type: "sinks", name: "up" });
    const form = new FormData();
    form.append("uploadFile", new File([zip], "up.zip"));
    const res = await server.request("/config/uploads", { method: "POST", body: form });
    expect(res.status).toBe(201);
    const path = await res.text();
    const install = await server.send("POST", "/plugins/sinks", {
      name: "up",
      file: `file://${path}`,
    });
    expect(install.status).toBe(201);
  });

  test("fetches a URL given as file", async () => {
    await using server = await startServer();
    await using files = startFileServer({ "/remote.zip": new TextEncoder().encode("zipbytes") });
    const res = await server.send("POST", "/config/uploads", {
      name: "remote.zip",
      file: files.url("/remote.zip"),
    });
    expect(res.status).toBe(201);
    expect(readFileSync(join(server.home, "data/uploads/remote.zip"), "utf8")).toBe("zipbytes");
  });

  test.each([
    [{ name: "../escape.zip", content: "x" }, "invalid upload name"],
    [{ name: "a/b.zip", content: "x" }, "invalid upload name"],
    [{ name: "x.zip" }, "either content or file"],
    [{ name: "x.zip", content: "a", file: "http://127.0.0.1/x.zip" }, "either content or file"],
  ])("refuses %j with 400", async (body, message) => {
    await using server = await startServer();
    const res = await server.send("POST", "/config/uploads", body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain(message);
    expect(await (await server.request("/config/uploads")).json()).toEqual([]);
  });

  test("an upload over plugin.maxDownloadSize is refused with 413", async () => {
    await using server = await startServer({ config: "plugin:\n  maxDownloadSize: 1KiB\n" });
    const res = await server.send("POST", "/config/uploads", {
      name: "big.txt",
      content: "x".repeat(2048),
    });
    expect(res.status).toBe(413);
    expect(await (await server.request("/config/uploads")).json()).toEqual([]);
  });

  test("with external file access off, file:// installs only read from the uploads folder", async () => {
    await using server = await startServer({
      config: "plugin:\n  allowExternalFileAccess: false\n",
    });
    const outside = join(server.home, "outside.zip");
    await Bun.write(outside, nativePluginZip({ type: "sinks", name: "o" }));
    const res = await server.send("POST", "/plugins/sinks", {
      name: "o",
      file: `file://${outside}`,
    });
    expect(res.status).toBe(400);
  });
});
