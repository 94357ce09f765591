// Request bodies: 413 past each route's cap (chunked ones included), 400 for JSON that does not fit.
import { describe, expect, test } from "bun:test";
import { startFileServer } from "./support/http-fixtures.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { startServer } from "./support/server.ts";

/** A body sent without Content-Length, in chunks of `size` bytes. */
function chunkedBody(text: string, size = 1024): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

const json = { "content-type": "application/json" };
const smallCap = "basic:\n  maxRequestBodySize: 1KiB\n";

describe("request body caps", () => {
  test("a JSON body over basic.maxRequestBodySize is answered 413 in eKuiper's error form", async () => {
    await using server = await startServer({ config: smallCap });
    const res = await server.send("POST", "/plugins/sinks", { name: "s", file: "x".repeat(2048) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: 1000,
      message: "request body: 2070 bytes is over the 1 KiB limit (basic.maxRequestBodySize)",
    });
  });

  test("a chunked body is cut off with 413 once it passes the cap", async () => {
    await using server = await startServer({ config: smallCap });
    const body = chunkedBody(JSON.stringify({ name: "s", file: "x".repeat(4096) }));
    const res = await server.request("/plugins/sinks", { method: "POST", headers: json, body });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: 1000,
      message: "request body: more than the 1 KiB limit (basic.maxRequestBodySize)",
    });
  });

  test("a chunked body under the cap is read as JSON", async () => {
    await using server = await startServer({ config: smallCap });
    const body = chunkedBody(JSON.stringify({ name: "c", content: "chunked" }), 7);
    const res = await server.request("/config/uploads", { method: "POST", headers: json, body });
    expect(res.status).toBe(201);
    expect(await (await server.request("/config/uploads")).json()).toEqual([
      `${server.home}/data/uploads/c`,
    ]);
  });

  test("uploads may be larger than basic.maxRequestBodySize, up to plugin.maxDownloadSize", async () => {
    await using server = await startServer({ config: smallCap });
    const form = new FormData();
    form.append("uploadFile", new File(["z".repeat(8192)], "big.zip"));
    const res = await server.request("/config/uploads", { method: "POST", body: form });
    expect(res.status).toBe(201);
  });

  test("an upload declared over plugin.maxDownloadSize is answered 413 before it is read", async () => {
    await using server = await startServer({ config: "plugin:\n  maxDownloadSize: 1KiB\n" });
    const form = new FormData();
    form.append("uploadFile", new File([new Uint8Array(256 * 1024)], "huge.zip"));
    const res = await server.request("/config/uploads", { method: "POST", body: form });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: 1000,
      message: expect.stringMatching(
        /^request body: .* over the 1 KiB limit \(plugin\.maxDownloadSize\)$/,
      ),
    });
    expect(await (await server.request("/config/uploads")).json()).toEqual([]);
  });

  test("a chunked multipart upload is read and stored", async () => {
    await using server = await startServer();
    const form = new FormData();
    form.append("uploadFile", new File(["streamed"], "s.zip"));
    const encoded = new Response(form);
    const res = await server.request("/config/uploads", {
      method: "POST",
      headers: { "content-type": encoded.headers.get("content-type") ?? "" },
      body: chunkedBody(await encoded.text(), 16),
    });
    expect(res.status).toBe(201);
    expect(await res.text()).toBe(`${server.home}/data/uploads/s.zip`);
  });
});

describe("request bodies that are not what the route takes", () => {
  test.each([
    ["/plugins/sinks", "{"],
    ["/plugins/sinks", ""],
    ["/plugins/sinks", "null"],
    ["/plugins/sinks", "[]"],
    ["/plugins/sinks", '"text"'],
    ["/plugins/sinks", "{}"],
    ["/plugins/sinks", '{"name":5,"file":"http://x/x.zip"}'],
    ["/plugins/sinks", '{"name":"s","file":"http://x/x.zip","shellParas":"-q"}'],
    ["/plugins/functions", '{"name":"f","file":"http://x/x.zip","functions":[1]}'],
    ["/plugins/portables", '{"name":["p"],"file":"http://x/x.zip"}'],
    ["/plugins/functions/f/register", '{"functions":"echo"}'],
    ["/config/uploads", '{"name":5,"content":"x"}'],
    ["/config/uploads", "{"],
  ])("POST %s with %s is answered 400, never 500", async (path, body) => {
    await using server = await startServer();
    const res = await server.request(path, { method: "POST", headers: json, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 1000, message: expect.any(String) });
  });

  test("a JSON body sent as a form, as curl -d sends it, is read as JSON like eKuiper reads it", async () => {
    await using server = await startServer();
    await using files = startFileServer({
      "/s.zip": nativePluginZip({ type: "sinks", name: "s" }),
    });
    const res = await server.request("/plugins/sinks", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: JSON.stringify({ name: "s", file: files.url("/s.zip") }),
    });
    expect(res.status).toBe(201);
  });
});
