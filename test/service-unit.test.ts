// etc/plugd.service and scripts/install-service.sh: systemd accepts the unit; the script installs
// and uninstalls idempotently below a --root.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readlinkSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const repo = join(import.meta.dir, "..");
const unitPath = join(repo, "etc", "plugd.service");
const script = join(repo, "scripts", "install-service.sh");
const work = mkdtempSync(join(tmpdir(), "plugd-unit-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The unit's settings as `Section.Key` → values, in order (a key may be repeated). */
async function unitSettings(): Promise<Map<string, string[]>> {
  const settings = new Map<string, string[]>();
  let section = "";
  for (const raw of (await Bun.file(unitPath).text()).split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header?.[1]) {
      section = header[1];
      continue;
    }
    const eq = line.indexOf("=");
    const key = `${section}.${line.slice(0, eq)}`;
    settings.set(key, [...(settings.get(key) ?? []), line.slice(eq + 1)]);
  }
  return settings;
}

async function run(cmd: string[]): Promise<{ code: number; out: string; err: string }> {
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, out, err };
}

const analyze = Bun.which("systemd-analyze");
if (!analyze) console.warn("skipping systemd-analyze checks: systemd is not installed");

describe("etc/plugd.service", () => {
  test("notifies readiness, is watched, restarts on any exit and stops in bounded time", async () => {
    const s = await unitSettings();
    const pick = (keys: string[]) =>
      Object.fromEntries(keys.map((k) => [k, s.get(`Service.${k}`)]));
    expect(
      pick(["Type", "NotifyAccess", "ExecStart", "StateDirectory", "Restart", "WatchdogSec"]),
    ).toEqual({
      Type: ["notify"],
      NotifyAccess: ["main"],
      ExecStart: ["/usr/local/bin/plugd serve --home /var/lib/plugd"],
      StateDirectory: ["plugd"],
      Restart: ["always"],
      WatchdogSec: ["30s"],
    });
    expect(pick(["TimeoutStopSec", "KillMode"])).toEqual({
      TimeoutStopSec: ["30s"],
      KillMode: ["mixed"],
    });
    expect(s.get("Install.WantedBy")).toEqual(["multi-user.target"]);
  });

  test("is sandboxed with the home as the only writable place and a private /tmp", async () => {
    const s = await unitSettings();
    const expected: [string, string][] = [
      ["NoNewPrivileges", "yes"],
      ["PrivateTmp", "yes"],
      ["ProtectSystem", "strict"],
      ["ProtectHome", "yes"],
      ["SystemCallFilter", "@system-service"],
    ];
    for (const [key, value] of expected) {
      expect([key, s.get(`Service.${key}`)]).toEqual([key, [value]]);
    }
    expect(s.has("Service.ReadWritePaths")).toBe(false);
  });

  test.skipIf(!analyze)("is accepted by systemd-analyze verify without a warning", async () => {
    // verify checks that ExecStart exists: point it at a stand-in executable.
    const binary = join(work, "plugd");
    await Bun.write(binary, "#!/bin/sh\n");
    chmodSync(binary, 0o755);
    const unit = join(work, "plugd.service");
    const text = await Bun.file(unitPath).text();
    await Bun.write(unit, text.replace("/usr/local/bin/plugd", binary));
    const result = await run([analyze ?? "", "verify", unit]);
    expect(result).toEqual({ code: 0, out: "", err: "" });
  });

  test.skipIf(!analyze)("rates as exposure level OK in systemd-analyze security", async () => {
    const result = await run([analyze ?? "", "security", "--offline=yes", unitPath]);
    const level = /Overall exposure level for plugd\.service: ([\d.]+) (\w+)/.exec(result.out);
    expect(level?.[2]).toBe("OK");
    expect(Number(level?.[1])).toBeLessThanOrEqual(3);
  });
});

describe("scripts/install-service.sh", () => {
  async function fakeBinary(content: string): Promise<string> {
    const file = join(mkdtempSync(join(work, "bin-")), "plugd-linux-x64");
    await Bun.write(file, content);
    return file;
  }

  test("installs the binary, the home and the enabled unit; a second run changes nothing", async () => {
    const root = mkdtempSync(join(work, "root-"));
    const binary = await fakeBinary("#!/bin/sh\necho plugd\n");
    const first = await run(["bash", script, "--root", root, "--binary", binary]);
    expect([first.code, first.err]).toEqual([0, ""]);
    expect(first.out).toContain("(updated)");
    const installed = join(root, "usr", "local", "bin", "plugd");
    const unit = join(root, "etc", "systemd", "system", "plugd.service");
    expect(await Bun.file(installed).text()).toBe("#!/bin/sh\necho plugd\n");
    expect(statSync(installed).mode & 0o777).toBe(0o755);
    expect(await Bun.file(unit).text()).toBe(await Bun.file(unitPath).text());
    expect(statSync(unit).mode & 0o777).toBe(0o644);
    expect(statSync(join(root, "var", "lib", "plugd")).isDirectory()).toBe(true);
    const wants = join(
      root,
      "etc",
      "systemd",
      "system",
      "multi-user.target.wants",
      "plugd.service",
    );
    expect(readlinkSync(wants)).toBe("/etc/systemd/system/plugd.service");
    const modified = statSync(installed).mtimeMs;

    const second = await run(["bash", script, "--root", root, "--binary", binary]);
    expect([second.code, second.err]).toEqual([0, ""]);
    expect(second.out).not.toContain("(updated)");
    expect(statSync(installed).mtimeMs).toBe(modified);
  });

  test("--uninstall removes binary and unit but keeps the home's plugins, and may run twice", async () => {
    const root = mkdtempSync(join(work, "root-"));
    const binary = await fakeBinary("#!/bin/sh\n");
    expect((await run(["bash", script, "--root", root, "--binary", binary])).code).toBe(0);
    const plugin = join(root, "var", "lib", "plugd", "plugins", "sources", "Random@v1.0.0.so");
    await Bun.write(plugin, "so");
    for (let i = 0; i < 2; i++) {
      const result = await run(["bash", script, "--root", root, "--uninstall"]);
      expect([result.code, result.err]).toEqual([0, ""]);
      expect(result.out).toContain("kept");
    }
    expect(existsSync(join(root, "usr", "local", "bin", "plugd"))).toBe(false);
    expect(existsSync(join(root, "etc", "systemd", "system", "plugd.service"))).toBe(false);
    const wants = join(
      root,
      "etc",
      "systemd",
      "system",
      "multi-user.target.wants",
      "plugd.service",
    );
    expect(existsSync(wants)).toBe(false);
    expect(await Bun.file(plugin).text()).toBe("so");
  });

  test("refuses a binary that does not exist and an unknown argument", async () => {
    const root = mkdtempSync(join(work, "root-"));
    const missing = await run(["bash", script, "--root", root, "--binary", join(work, "nope")]);
    expect([missing.code, missing.err]).toEqual([
      1,
      `install-service: no binary at ${join(work, "nope")} (npm run build)\n`,
    ]);
    const unknown = await run(["bash", script, "--frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toStartWith("install-service: unknown argument --frobnicate\n");
  });
});
