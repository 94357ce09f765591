// Tests of downloadToFile's checks around the transfer: checksum, allowed hosts, failures, abort.

import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { defaultDownloadOptions, failure, tempDir } from "../../test/support/download-kit.ts";
import { startFileServer } from "../../test/support/http-fixtures.ts";
import type { DownloadOptions } from "./download-options.ts";
import { downloadToFile } from "./fetch-to-file.ts";

const zip = new TextEncoder().encode("PK\u0003\u0004 checksum me");
const zipSha = new Bun.CryptoHasher("sha256").update(zip).digest("hex");
const otherSha = "0".repeat(64);
const options: DownloadOptions = { ...defaultDownloadOptions, uploadsDir: "/nonexistent" };

describe("expectedSha256", () => {
  test("a matching digest is accepted whatever its case", async () => {
    await using server = startFileServer({ "/a.zip": zip });
    await using dir = await tempDir();
    const checked = { ...options, expectedSha256: zipSha.toUpperCase() };
    const got = await downloadToFile(server.url("/a.zip"), join(dir.path, "a.zip"), checked);
    expect(got.sha256).toBe(zipSha);
  });

  test("a mismatch is a 400 naming both digests, and the file is removed", async () => {
    await using server = startFileServer({ "/a.zip": zip });
    await using dir = await tempDir();
    const dest = join(dir.path, "a.zip");
    const checked = { ...options, expectedSha256: otherSha };
    expect(await failure(downloadToFile(server.url("/a.zip"), dest, checked))).toEqual({
      status: 400,
      message: `checksum mismatch for ${server.url("/a.zip")}: expected sha256 ${otherSha}, got ${zipSha}`,
    });
    expect(existsSync(dest)).toBe(false);
  });

  test("a digest that is not 64 hex digits is a 400 before anything is fetched", async () => {
    await using server = startFileServer({ "/a.zip": zip });
    await using dir = await tempDir();
    const checked = { ...options, expectedSha256: "abc" };
    const work = downloadToFile(server.url("/a.zip"), join(dir.path, "a.zip"), checked);
    expect(await failure(work)).toEqual({
      status: 400,
      message: 'sha256 must be 64 hexadecimal digits, not "abc"',
    });
    expect(server.hits("/a.zip")).toBe(0);
  });
});

describe("allowedHosts", () => {
  test("a CIDR 127.0.0.0/8 allows a download from 127.0.0.1", async () => {
    await using server = startFileServer({ "/a.zip": zip });
    await using dir = await tempDir();
    const limited = { ...options, allowedHosts: ["127.0.0.0/8"] };
    const got = await downloadToFile(server.url("/a.zip"), join(dir.path, "a.zip"), limited);
    expect(got.size).toBe(zip.byteLength);
  });

  test("a list with only example.com refuses 127.0.0.1 without a request", async () => {
    await using server = startFileServer({ "/a.zip": zip });
    await using dir = await tempDir();
    const limited = { ...options, allowedHosts: ["example.com"] };
    const work = downloadToFile(server.url("/a.zip"), join(dir.path, "a.zip"), limited);
    expect(await failure(work)).toEqual({
      status: 400,
      message: `cannot download ${server.url("/a.zip")}: host 127.0.0.1 is not allowed (plugin.allowedHosts)`,
    });
    expect(server.hits("/a.zip")).toBe(0);
  });
});

describe("failures", () => {
  test("a refused connection is a 400 with the cause", async () => {
    const server = startFileServer({});
    const url = server.url("/a.zip");
    await server[Symbol.asyncDispose]();
    await using dir = await tempDir();
    expect(await failure(downloadToFile(url, join(dir.path, "a.zip"), options))).toEqual({
      status: 400,
      message: expect.stringMatching(new RegExp(`^cannot download ${url}: .*ECONNREFUSED`)),
    });
  });

  test("credentials in the URL never appear in the message", async () => {
    await using server = startFileServer({});
    await using dir = await tempDir();
    const url = server.url("/missing.zip").replace("http://", "http://user:secret@");
    expect(await failure(downloadToFile(url, join(dir.path, "a.zip"), options))).toEqual({
      status: 400,
      message: `cannot download ${server.url("/missing.zip").replace("http://", "http://***@")}: HTTP 404 Not Found`,
    });
  });

  test("an existing destPath is a 500 and is left as it was", async () => {
    await using server = startFileServer({ "/a.zip": zip });
    await using dir = await tempDir();
    const dest = join(dir.path, "a.zip");
    await writeFile(dest, "mine");
    const { status } = await failure(downloadToFile(server.url("/a.zip"), dest, options));
    expect(status).toBe(500);
    expect(await Bun.file(dest).text()).toBe("mine");
  });

  test("the caller's abort rejects with its reason and leaves no file", async () => {
    const caller = new AbortController();
    const reason = new Error("install cancelled");
    await using server = startFileServer({
      "/a.zip": () => {
        caller.abort(reason);
        return new Promise<Response>(() => {});
      },
    });
    await using dir = await tempDir();
    const dest = join(dir.path, "a.zip");
    const work = downloadToFile(server.url("/a.zip"), dest, { ...options, signal: caller.signal });
    expect(await work.catch((err: unknown) => err)).toBe(reason);
    expect(existsSync(dest)).toBe(false);
  });
});
