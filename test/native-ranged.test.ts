// Installs from servers that answer Range requests: the zip is vetted from its tail before its
// body is fetched and read while it downloads; every refusal still leaves disk and store alone.
import { describe, expect, test } from "bun:test";
import { type FileServer, ranged, startFileServer } from "./support/http-fixtures.ts";
import { elfHeader, ownMachine } from "./support/plugin-zips.ts";
import { startServer, type TestServer } from "./support/server.ts";
import { snapshot, treeOf } from "./support/snapshot.ts";
import { buildZip, type FixtureFile, patchEntry, withComment } from "./support/zip-fixtures.ts";

const so = elfHeader(ownMachine());
const tailProbe = `bytes=-${256 * 1024}`;

/** Deterministic bytes that do not compress, so the zip is a few MiB and arrives in many chunks. */
function noise(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let index = 0; index < length; index++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

/** A sink plugin of 120 files, about 4 MiB, and `extra` entries. */
function bigPlugin(extra: Record<string, FixtureFile> = {}): Uint8Array {
  const files: Record<string, FixtureFile> = { "Big@v1.0.0.so": so, ...extra };
  for (let index = 0; index < 120; index++) {
    files[`etc/part${index % 6}/f${index}.bin`] = noise(32 * 1024 + index * 17, index + 1);
  }
  return buildZip(files);
}

async function install(server: TestServer, files: FileServer, sha256?: string) {
  const body = { name: "big", file: files.url("/big.zip"), ...(sha256 ? { sha256 } : {}) };
  return await server.send("POST", "/plugins/sinks", body);
}

async function messageOf(res: Response): Promise<string> {
  return ((await res.json()) as { message: string }).message;
}

describe("installs from a server with ranges", () => {
  test("asks for the tail, then the body, and installs the same files as a whole download", async () => {
    const zip = bigPlugin();
    const ranges: string[] = [];
    await using withRanges = startFileServer({ "/big.zip": ranged(zip, ranges) });
    await using plain = startFileServer({ "/big.zip": zip });
    await using one = await startServer();
    await using other = await startServer();
    expect((await install(one, withRanges)).status).toBe(201);
    expect((await install(other, plain)).status).toBe(201);
    expect(ranges).toEqual([tailProbe, "none"]);
    const plugin = (tree: Record<string, string>) =>
      Object.entries(tree).filter(([path]) => /^(plugins|etc)\//.test(path));
    expect(plugin(treeOf(one.home))).toEqual(plugin(treeOf(other.home)));
    expect(plugin(treeOf(one.home)).length).toBeGreaterThan(120);
  });

  test("installs a zip no larger than the tail from that one answer, its sha256 checked", async () => {
    const zip = buildZip({ "Small@v1.0.0.so": so, "etc/small.yaml": "a: 1" });
    const sha256 = new Bun.CryptoHasher("sha256").update(zip).digest("hex");
    const ranges: string[] = [];
    await using files = startFileServer({ "/small.zip": ranged(zip, ranges) });
    await using server = await startServer();
    const before = snapshot(server);
    const send = (sha: string) =>
      server.send("POST", "/plugins/sinks", {
        name: "small",
        file: files.url("/small.zip"),
        sha256: sha,
      });
    const wrong = await send("f".repeat(64));
    expect(wrong.status).toBe(400);
    expect(await messageOf(wrong)).toContain("checksum mismatch");
    expect(snapshot(server)).toEqual(before);
    expect((await send(sha256)).status).toBe(201);
    expect(ranges).toEqual([tailProbe, tailProbe]);
    expect(treeOf(server.home)["etc/sinks/small/small.yaml"]).toBeDefined();
  });

  test("refuses a hostile zip from its tail alone: the body is never fetched", async () => {
    const ranges: string[] = [];
    await using files = startFileServer({
      "/big.zip": ranged(bigPlugin({ "../escape.txt": "x" }), ranges),
    });
    await using server = await startServer();
    const before = snapshot(server);
    const res = await install(server, files);
    expect(res.status).toBe(400);
    expect(await messageOf(res)).toContain("../escape.txt");
    expect(ranges).toEqual([tailProbe]);
    expect(snapshot(server)).toEqual(before);
  });

  test("refuses a body whose end differs from the tail it was vetted from", async () => {
    const zip = bigPlugin();
    await using files = startFileServer({
      "/big.zip": ranged(withComment(zip, "bbbb"), [], withComment(zip, "aaaa")),
    });
    await using server = await startServer();
    const before = snapshot(server);
    const res = await install(server, files);
    expect(res.status).toBe(400);
    expect(await messageOf(res)).toContain("with other bytes than it gave for the zip's end");
    expect(snapshot(server)).toEqual(before);
  });

  test("refuses a body cut short of the size the server declared", async () => {
    const zip = bigPlugin();
    await using files = startFileServer({
      "/big.zip": ranged(zip.subarray(0, zip.length - 5000), [], zip),
    });
    await using server = await startServer();
    const before = snapshot(server);
    expect((await install(server, files)).status).toBe(400);
    expect(snapshot(server)).toEqual(before);
  });

  test("stops at a corrupt entry, naming it, and leaves nothing behind", async () => {
    const zip = patchEntry(bigPlugin(), "etc/part3/f63.bin", { crc32: 7 });
    await using files = startFileServer({ "/big.zip": ranged(zip) });
    await using server = await startServer();
    const before = snapshot(server);
    const res = await install(server, files);
    expect(res.status).toBe(400);
    expect(await messageOf(res)).toContain("etc/part3/f63.bin fails its CRC-32 check");
    expect(snapshot(server)).toEqual(before);
  });

  test("checks the sha256 asked for once the body is in", async () => {
    const zip = bigPlugin();
    const sha256 = new Bun.CryptoHasher("sha256").update(zip).digest("hex");
    await using files = startFileServer({ "/big.zip": ranged(zip) });
    await using server = await startServer();
    const before = snapshot(server);
    const wrong = await install(server, files, "0".repeat(64));
    expect(wrong.status).toBe(400);
    expect(await messageOf(wrong)).toContain("checksum mismatch");
    expect(snapshot(server)).toEqual(before);
    expect((await install(server, files, sha256)).status).toBe(201);
  });

  test("downloads the zip whole first when its central directory starts before the tail", async () => {
    const files: Record<string, FixtureFile> = { "Big@v1.0.0.so": so };
    const long = "d".repeat(150);
    for (let index = 0; index < 1500; index++) files[`etc/${long}/f${index}.txt`] = "x";
    const ranges: string[] = [];
    await using server = await startServer();
    await using http = startFileServer({ "/big.zip": ranged(buildZip(files), ranges) });
    expect((await install(server, http)).status).toBe(201);
    expect(ranges).toEqual([tailProbe, "none"]);
  });

  test("downloads the zip whole when the server answers the probe with more than it asked for", async () => {
    const zip = bigPlugin();
    const seen: string[] = [];
    await using files = startFileServer({
      "/big.zip": (req) => {
        seen.push(req.headers.get("range") ?? "none");
        if (!req.headers.has("range")) return new Response(zip);
        const range = `bytes 0-${zip.length - 1}/${zip.length}`;
        return new Response(zip, { status: 206, headers: { "content-range": range } });
      },
    });
    await using server = await startServer();
    expect((await install(server, files)).status).toBe(201);
    expect(seen).toEqual([tailProbe, "none"]);
  });

  test.each([
    ["ignores the Range header", 200],
    ["answers 416 to it", 416],
  ])("downloads the zip whole from a server that %s", async (_label, status) => {
    const zip = bigPlugin();
    const seen: string[] = [];
    await using files = startFileServer({
      "/big.zip": (req) => {
        seen.push(req.headers.get("range") ?? "none");
        if (req.headers.has("range") && status === 416) return new Response(null, { status });
        return new Response(zip);
      },
    });
    await using server = await startServer();
    expect((await install(server, files)).status).toBe(201);
    expect(seen).toEqual([tailProbe, "none"]);
  });
});
