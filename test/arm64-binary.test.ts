// The linux-arm64 binary, run under qemu-user: version, /ping, sd_notify and an install from a file.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTarget } from "../scripts/build.ts";
import { startNotifyReceiver } from "./support/notify-receiver.ts";
import { expectCleanStop, spawnPlugd } from "./support/plugd-process.ts";
import { elfHeader, nativePluginZip } from "./support/plugin-zips.ts";

const qemu = Bun.which("qemu-aarch64-static");
const sysroot = "/usr/aarch64-linux-gnu";
const missing = [
  qemu ? "" : "qemu-aarch64-static (apt-get install qemu-user-static)",
  existsSync(sysroot) ? "" : `${sysroot} (apt-get install libc6-arm64-cross)`,
].filter((what) => what !== "");
// On an arm64 machine the binary runs without qemu, and the end-to-end test covers it already.
const skip = missing.length > 0 || process.arch !== "x64";
if (skip) {
  console.warn(
    process.arch !== "x64"
      ? "skipping the qemu arm64 test: this machine is not x86-64"
      : `skipping the qemu arm64 test: missing ${missing.join(" and ")}`,
  );
}

const work = mkdtempSync(join(tmpdir(), "plugd-arm64-"));
const binary = join(work, "plugd-linux-arm64");
const underQemu = (...args: string[]) => [
  qemu ?? "qemu-aarch64-static",
  "-L",
  sysroot,
  binary,
  ...args,
];

beforeAll(async () => {
  if (skip) return;
  const target = {
    name: "linux-arm64",
    bunTarget: "bun-linux-arm64",
    runtimePackage: "@oven/bun-linux-aarch64",
  };
  await buildTarget(target, binary, "arm64-test");
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(skip)("the linux-arm64 binary under qemu", () => {
  test("prints its version, commit and target", async () => {
    const proc = Bun.spawn(underQemu("version"), { stdout: "pipe", stderr: "pipe" });
    expect(await proc.exited).toBe(0);
    expect(await new Response(proc.stdout).text()).toBe(
      "plugd 0.1.0 (commit arm64-test, bun-linux-arm64)\n",
    );
    expect(await new Response(proc.stderr).text()).toBe("");
  }, 60_000);

  test("notifies readiness, answers /ping, installs an arm64 plugin from a file and exits 0 on SIGTERM", async () => {
    await using receiver = await startNotifyReceiver("abstract");
    const home = mkdtempSync(join(work, "home-"));
    const zip = join(work, "random.zip");
    await Bun.write(
      zip,
      nativePluginZip({ type: "sources", name: "random", soData: elfHeader(183) }),
    );
    await using plugd = await spawnPlugd(
      underQemu("serve", "--home", home, "--host", "127.0.0.1", "--port", "0"),
      { NOTIFY_SOCKET: receiver.address },
    );
    expect(await receiver.next("READY=1", 30_000)).toBe(`READY=1\nSTATUS=serving ${plugd.url}`);
    expect((await fetch(`${plugd.url}/ping`)).status).toBe(200);
    const info = (await (await fetch(`${plugd.url}/`)).json()) as { arch: string };
    expect(info.arch).toBe("arm64");
    const created = await fetch(`${plugd.url}/plugins/sources`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "random", file: `file://${zip}` }),
    });
    expect([created.status, await created.text()]).toEqual([
      201,
      "sources plugin random is created",
    ]);
    expect(await (await fetch(`${plugd.url}/plugins/sources`)).json()).toEqual(["random"]);
    expect(existsSync(join(home, "plugins", "sources", "Random@v1.0.0.so"))).toBe(true);
    plugd.proc.kill("SIGTERM");
    await expectCleanStop(plugd);
  }, 120_000);
});
