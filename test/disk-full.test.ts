// A home on a full disk: the install says how much room it needed and had, and changes nothing.
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ranged, startFileServer } from "./support/http-fixtures.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { startServer } from "./support/server.ts";
import { snapshot } from "./support/snapshot.ts";

/** A 4 MiB tmpfs to hold the home, where this machine lets us mount one (root, no seccomp ban). */
const mountPoint = mkdtempSync(join(tmpdir(), "plugd-small-disk-"));
const mounted =
  spawnSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint]).status === 0;
if (!mounted) {
  console.warn(`disk-full tests skipped: cannot mount a tmpfs on ${mountPoint} (needs root)`);
}

describe.skipIf(!mounted)("a home on a small disk", () => {
  afterAll(() => {
    spawnSync("umount", [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  test("a zip that inflates to more than is free is a 507 naming both sizes", async () => {
    const home = join(mountPoint, "home");
    // The ratio cap would refuse these zeros first; it is not what this test is about.
    await using server = await startServer({ home, config: "plugin:\n  maxRatio: 5000\n" });
    // 8 MiB of zeros: a small zip, too big once inflated.
    const big = new Uint8Array(8 * 1024 * 1024);
    await using files = startFileServer({
      "/big.zip": nativePluginZip({ type: "sinks", name: "big", extra: { "etc/data.bin": big } }),
    });
    const before = snapshot(server);
    const res = await server.send("POST", "/plugins/sinks", {
      name: "big",
      file: files.url("/big.zip"),
    });
    const { message } = (await res.json()) as { message: string };
    expect({ status: res.status, message }).toMatchObject({ status: 507 });
    const sizes = String.raw`needed 8\.0 MiB \(\d+ bytes\), free \d+\.\d (MiB|KiB) \(\d+ bytes\)$`;
    expect(message).toMatch(
      new RegExp(`^create sinks plugin big: no space left in ${home}: ${sizes}`),
    );
    expect(snapshot(server)).toEqual(before);
  });

  test("a zip from a server with ranges that does not fit is a 507 before its body is fetched", async () => {
    const home = join(mountPoint, "ranged-home");
    await using server = await startServer({ home });
    // 6 MiB that do not compress: more than the disk holds, counted before anything is fetched.
    const noise = new Uint8Array(6 * 1024 * 1024).map((_, index) => (index * 2654435761) >>> 24);
    const zip = nativePluginZip({ type: "sinks", name: "wide", extra: { "etc/noise.bin": noise } });
    await using files = startFileServer({ "/wide.zip": ranged(zip) });
    const before = snapshot(server);
    const res = await server.send("POST", "/plugins/sinks", {
      name: "wide",
      file: files.url("/wide.zip"),
    });
    expect(res.status).toBe(507);
    expect(((await res.json()) as { message: string }).message).toContain("no space left in");
    expect(files.hits("/wide.zip")).toBe(1);
    expect(files.downloads("/wide.zip")).toBe(0);
    expect(snapshot(server)).toEqual(before);
  });
});
