// Tests of downloadToFile for file:// URLs: regular files only, uploads folder, size cap.

import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { defaultDownloadOptions, failure, tempDir } from "../../test/support/download-kit.ts";
import type { DownloadOptions } from "./download-options.ts";
import { downloadToFile } from "./fetch-to-file.ts";

const zip = new TextEncoder().encode("PK\u0003\u0004 a local plugin");
const zipSha = new Bun.CryptoHasher("sha256").update(zip).digest("hex");

/** A home with data/uploads/ and a folder outside it, removed after the test. */
async function home() {
  const dir = await tempDir();
  const uploads = join(dir.path, "uploads");
  const outside = join(dir.path, "outside");
  await mkdir(uploads);
  await mkdir(outside);
  const options: DownloadOptions = {
    ...defaultDownloadOptions,
    uploadsDir: uploads,
    allowExternalFileAccess: false,
  };
  return { ...dir, uploads, outside, options, dest: join(dir.path, "dest.zip") };
}

type Home = Awaited<ReturnType<typeof home>>;

const url = (path: string) => pathToFileURL(path).href;
const outsideUploads = (uploads: string) =>
  `file:// URLs must point into ${uploads} (plugin.allowExternalFileAccess is false)`;

describe("downloadToFile over file://", () => {
  test("copies a regular file from the uploads folder with its size and sha256", async () => {
    await using h = await home();
    const source = join(h.uploads, "my plugin.zip");
    await writeFile(source, zip);
    const got = await downloadToFile(url(source), h.dest, h.options);
    expect(got).toEqual({ path: h.dest, size: zip.byteLength, sha256: zipSha });
    expect(new Uint8Array(await Bun.file(h.dest).arrayBuffer())).toEqual(zip);
  });

  test("refuses a directory as not a regular file", async () => {
    await using h = await home();
    const source = join(h.uploads, "folder.zip");
    await mkdir(source);
    expect(await failure(downloadToFile(url(source), h.dest, h.options))).toEqual({
      status: 400,
      message: `cannot download ${url(source)}: ${source} is not a regular file`,
    });
    expect(existsSync(h.dest)).toBe(false);
  });

  test("refuses a FIFO as not a regular file without blocking on it", async () => {
    await using h = await home();
    const source = join(h.uploads, "pipe.zip");
    const mkfifo = Bun.spawn(["mkfifo", source], { stderr: "pipe" });
    expect(await mkfifo.exited).toBe(0);
    expect(await new Response(mkfifo.stderr).text()).toBe("");
    expect(await failure(downloadToFile(url(source), h.dest, h.options))).toEqual({
      status: 400,
      message: `cannot download ${url(source)}: ${source} is not a regular file`,
    });
  });

  test("refuses /dev/zero behind a symlink as not a regular file", async () => {
    await using h = await home();
    const source = join(h.outside, "zero.zip");
    await symlink("/dev/zero", source);
    const open = { ...h.options, allowExternalFileAccess: true };
    expect(await failure(downloadToFile(url(source), h.dest, open))).toEqual({
      status: 400,
      message: `cannot download ${url(source)}: /dev/zero is not a regular file`,
    });
  });

  test("refuses a missing file with 400", async () => {
    await using h = await home();
    const source = join(h.uploads, "missing.zip");
    expect(await failure(downloadToFile(url(source), h.dest, h.options))).toEqual({
      status: 400,
      message: `cannot download ${url(source)}: ${source} does not exist`,
    });
  });

  test("refuses a file over maxBytes with 413", async () => {
    await using h = await home();
    const source = join(h.uploads, "big.zip");
    await writeFile(source, new Uint8Array(2048));
    const small = { ...h.options, maxBytes: 1024 };
    expect(await failure(downloadToFile(url(source), h.dest, small))).toEqual({
      status: 413,
      message: `download of ${url(source)} exceeds the 1 KiB limit (plugin.maxDownloadSize)`,
    });
    expect(existsSync(h.dest)).toBe(false);
  });

  /** Each puts a zip (or nothing) somewhere outside the uploads folder and names it by URL. */
  const outsidePlaces: [string, (h: Home) => Promise<string>][] = [
    [
      "a file outside the uploads folder when external access is off",
      async (h) => {
        await writeFile(join(h.outside, "a.zip"), zip);
        return url(join(h.outside, "a.zip"));
      },
    ],
    [
      "a symlink in the uploads folder that leads outside it",
      async (h) => {
        await writeFile(join(h.outside, "secret.zip"), zip);
        await symlink(join(h.outside, "secret.zip"), join(h.uploads, "escape.zip"));
        return url(join(h.uploads, "escape.zip"));
      },
    ],
    [
      "../ that climbs out of the uploads folder",
      async (h) => {
        await writeFile(join(h.outside, "a.zip"), zip);
        return `${url(h.uploads)}/../outside/a.zip`;
      },
    ],
    [
      "a missing file outside the uploads folder as outside, not as missing",
      async (h) => url(join(h.outside, "missing.zip")),
    ],
  ];
  test.each(outsidePlaces)("refuses %s", async (_, place) => {
    await using h = await home();
    const source = await place(h);
    expect(await failure(downloadToFile(source, h.dest, h.options))).toEqual({
      status: 400,
      message: `cannot download ${source}: ${outsideUploads(h.uploads)}`,
    });
  });

  test("accepts the real path of the uploads folder when it is configured through a symlink", async () => {
    await using h = await home();
    const linked = join(h.path, "uploads-link");
    await symlink(h.uploads, linked);
    const source = join(h.uploads, "a.zip");
    await writeFile(source, zip);
    const got = await downloadToFile(url(source), h.dest, { ...h.options, uploadsDir: linked });
    expect(got.sha256).toBe(zipSha);
  });

  test("reads a file anywhere when external access is on", async () => {
    await using h = await home();
    const source = join(h.outside, "a.zip");
    await writeFile(source, zip);
    const open = { ...h.options, allowExternalFileAccess: true };
    const got = await downloadToFile(url(source), h.dest, open);
    expect(got.sha256).toBe(zipSha);
  });
});
