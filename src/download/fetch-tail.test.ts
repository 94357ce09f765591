// Tests of fetchTail against real local servers: what counts as the tail, and what does not.
import { describe, expect, test } from "bun:test";
import { defaultDownloadOptions } from "../../test/support/download-kit.ts";
import { ranged, startFileServer } from "../../test/support/http-fixtures.ts";
import type { DownloadOptions } from "./download-options.ts";
import { fetchTail } from "./fetch-tail.ts";

const options: DownloadOptions = { ...defaultDownloadOptions, uploadsDir: "/nonexistent" };
const body = new Uint8Array(1024 * 1024).map((_, index) => index % 251);

describe("fetchTail", () => {
  test("gives the last bytes a ranged server sends, where they start, and the whole size", async () => {
    await using files = startFileServer({ "/a.zip": ranged(body) });
    const tail = await fetchTail(files.url("/a.zip"), 1000, options);
    expect(tail?.start).toBe(body.length - 1000);
    expect(tail?.size).toBe(body.length);
    expect(tail?.bytes).toEqual(body.subarray(body.length - 1000));
  });

  test("takes no more than it asked for, whatever range the server declares", async () => {
    await using files = startFileServer({
      "/a.zip": () =>
        new Response(body, {
          status: 206,
          headers: { "content-range": `bytes 0-${body.length - 1}/${body.length}` },
        }),
    });
    expect(await fetchTail(files.url("/a.zip"), 1000, options)).toBeUndefined();
  });

  test("gives nothing for a server that sends the whole file, or a size over the cap", async () => {
    await using files = startFileServer({ "/a.zip": body, "/b.zip": ranged(body) });
    expect(await fetchTail(files.url("/a.zip"), 1000, options)).toBeUndefined();
    const capped = { ...options, maxBytes: body.length - 1 };
    expect(await fetchTail(files.url("/b.zip"), 1000, capped)).toBeUndefined();
  });

  test("refuses as the download would: an HTTP error is thrown, not passed over", async () => {
    await using files = startFileServer({});
    await expect(fetchTail(files.url("/missing.zip"), 1000, options)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("HTTP 404"),
    });
  });
});
