// install.sh in a cgroup of its own: helpers it starts with setsid do not outlive the install.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../src/log/logger.ts";
import { PluginCgroups } from "../src/supervisor/plugin-cgroups.ts";
import { startFileServer } from "./support/http-fixtures.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { startServer } from "./support/server.ts";
import { isAlive, waitFor } from "./support/wait.ts";

async function noCgroups(): Promise<string | undefined> {
  const home = mkdtempSync(join(tmpdir(), "plugd-cg-probe-"));
  try {
    const opened = await PluginCgroups.open({ home, logger: silentLogger });
    await opened.cgroups?.close();
    return opened.reason;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const missing = await noCgroups();
if (missing !== undefined) console.warn(`skipping the install.sh cgroup test: ${missing}`);

describe.skipIf(missing !== undefined)("install.sh in cgroups", () => {
  test("a helper install.sh starts with setsid is ended when the install ends", async () => {
    await using server = await startServer();
    const pidFile = join(server.home, "helper.pid");
    // setsid puts the helper in a session of its own: out of the script's process group.
    const installSh = `setsid sleep 305 </dev/null >/dev/null 2>&1 &\necho $! > ${pidFile}\n`;
    await using files = startFileServer({
      "/s.zip": nativePluginZip({ type: "sinks", name: "helped", installSh }),
    });
    const res = await server.send("POST", "/plugins/sinks", {
      name: "helped",
      file: files.url("/s.zip"),
    });
    expect(res.status).toBe(201);
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    expect(pid).toBeGreaterThan(0);
    await waitFor(() => !isAlive(pid), "the setsid helper to be gone");
  });
});
