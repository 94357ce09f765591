// Tests of downloadToFile over http against real local servers: redirects, limits, timeouts.

import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { defaultDownloadOptions, failure, tempDir } from "../../test/support/download-kit.ts";
import {
  chunked,
  neverAnswer,
  type Route,
  redirectTo,
  stallAfter,
  startFileServer,
  startRawHttpServer,
} from "../../test/support/http-fixtures.ts";
import type { DownloadOptions } from "./download-options.ts";
import { downloadToFile } from "./fetch-to-file.ts";

const zip = new TextEncoder().encode("PK\u0003\u0004 not really a zip, but bytes to carry");
const zipSha = new Bun.CryptoHasher("sha256").update(zip).digest("hex");
const options: DownloadOptions = { ...defaultDownloadOptions, uploadsDir: "/nonexistent" };

function chain(length: number): Record<string, Route> {
  const routes: Record<string, Route> = {};
  for (let i = 0; i < length; i++) routes[`/r${i}.zip`] = redirectTo(`/r${i + 1}.zip`);
  return routes;
}

describe("downloadToFile over http", () => {
  test("serves a file: the bytes land in destPath with their size and sha256", async () => {
    await using server = startFileServer({ "/a.zip": zip });
    await using dir = await tempDir();
    const dest = join(dir.path, "a.zip");
    const got = await downloadToFile(server.url("/a.zip"), dest, options);
    expect(got).toEqual({ path: dest, size: zip.byteLength, sha256: zipSha });
    expect(new Uint8Array(await readFile(dest))).toEqual(zip);
  });

  test("follows a chain of 3 redirects", async () => {
    await using server = startFileServer({ ...chain(3), "/r3.zip": zip });
    await using dir = await tempDir();
    const got = await downloadToFile(server.url("/r0.zip"), join(dir.path, "a.zip"), options);
    expect(got.sha256).toBe(zipSha);
    expect(server.hits("/r3.zip")).toBe(1);
  });

  test("follows exactly maxRedirects redirects", async () => {
    await using server = startFileServer({ ...chain(5), "/r5.zip": zip });
    await using dir = await tempDir();
    const got = await downloadToFile(server.url("/r0.zip"), join(dir.path, "a.zip"), options);
    expect(got.size).toBe(zip.byteLength);
  });

  test("refuses the 6th redirect with 400 and never requests its target", async () => {
    await using server = startFileServer({ ...chain(6), "/r6.zip": zip });
    await using dir = await tempDir();
    const dest = join(dir.path, "a.zip");
    expect(await failure(downloadToFile(server.url("/r0.zip"), dest, options))).toEqual({
      status: 400,
      message: `cannot download ${server.url("/r0.zip")}: too many redirects (more than 5)`,
    });
    expect(server.hits("/r6.zip")).toBe(0);
    expect(existsSync(dest)).toBe(false);
  });

  test("refuses a redirect to a host outside allowedHosts before connecting to it", async () => {
    await using server = startFileServer({ "/a.zip": redirectTo("http://192.0.2.1/b.zip") });
    await using dir = await tempDir();
    const limited = { ...options, allowedHosts: ["127.0.0.0/8"] };
    const work = downloadToFile(server.url("/a.zip"), join(dir.path, "a.zip"), limited);
    expect(await failure(work)).toEqual({
      status: 400,
      message: `cannot download ${server.url("/a.zip")}: redirect to http://192.0.2.1/b.zip refused: host 192.0.2.1 is not allowed (plugin.allowedHosts)`,
    });
  });

  test("refuses a redirect to a file:// URL", async () => {
    await using server = startFileServer({ "/a.zip": redirectTo("file:///etc/passwd") });
    await using dir = await tempDir();
    const work = downloadToFile(server.url("/a.zip"), join(dir.path, "a.zip"), options);
    expect(await failure(work)).toEqual({
      status: 400,
      message: `cannot download ${server.url("/a.zip")}: redirect to file:///etc/passwd refused: only http and https may be followed`,
    });
  });

  test("answers a 404 with 400 naming the status", async () => {
    await using server = startFileServer({});
    await using dir = await tempDir();
    const dest = join(dir.path, "a.zip");
    expect(await failure(downloadToFile(server.url("/missing.zip"), dest, options))).toEqual({
      status: 400,
      message: `cannot download ${server.url("/missing.zip")}: HTTP 404 Not Found`,
    });
    expect(existsSync(dest)).toBe(false);
  });

  test("times out with plugin.connectTimeout when the headers never come", async () => {
    await using server = startFileServer({ "/a.zip": neverAnswer() });
    await using dir = await tempDir();
    const quick = { ...options, connectTimeoutMs: 150 };
    const work = downloadToFile(server.url("/a.zip"), join(dir.path, "a.zip"), quick);
    expect(await failure(work)).toEqual({
      status: 400,
      message: `download of ${server.url("/a.zip")} timed out after 150ms (plugin.connectTimeout)`,
    });
    expect(server.hits("/a.zip")).toBe(1);
  });

  test("times out with plugin.downloadTimeout when the body stalls, and removes the partial file", async () => {
    await using server = startFileServer({ "/a.zip": stallAfter(zip) });
    await using dir = await tempDir();
    const dest = join(dir.path, "a.zip");
    const quick = { ...options, totalTimeoutMs: 300 };
    expect(await failure(downloadToFile(server.url("/a.zip"), dest, quick))).toEqual({
      status: 400,
      message: `download of ${server.url("/a.zip")} timed out after 300ms (plugin.downloadTimeout)`,
    });
    expect(existsSync(dest)).toBe(false);
  });

  test.each([
    [
      "a Content-Length over maxBytes without waiting for the body",
      // The server promises a megabyte and sends none of it: reading would hang until the test times out.
      () => startRawHttpServer("HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n"),
      1024,
      "1 KiB",
    ],
    [
      "a chunked body over maxBytes and removes the partial file",
      () => startFileServer({ "/a.zip": chunked(8, 512) }),
      1000,
      "1000 bytes",
    ],
  ])("refuses %s, with 413", async (_, start, maxBytes, limit) => {
    await using server = start();
    await using dir = await tempDir();
    const dest = join(dir.path, "a.zip");
    expect(
      await failure(downloadToFile(server.url("/a.zip"), dest, { ...options, maxBytes })),
    ).toEqual({
      status: 413,
      message: `download of ${server.url("/a.zip")} exceeds the ${limit} limit (plugin.maxDownloadSize)`,
    });
    expect(existsSync(dest)).toBe(false);
  });

  test("accepts a chunked body of exactly maxBytes", async () => {
    await using server = startFileServer({ "/a.zip": chunked(2, 512) });
    await using dir = await tempDir();
    const exact = { ...options, maxBytes: 1024 };
    const got = await downloadToFile(server.url("/a.zip"), join(dir.path, "a.zip"), exact);
    expect(got.size).toBe(1024);
  });
});
