// An import killed with -9 half-way leaves the gateway as it was, at the next start.
import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFileServer } from "./support/http-fixtures.ts";
import { plugdFromSource, spawnPlugd } from "./support/plugd-process.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { waitFor } from "./support/wait.ts";

test("kill -9 during an import: the restarted plugd has the old set, untouched", async () => {
  const home = mkdtempSync(join(tmpdir(), "plugd-fleet-crash-"));
  const gate = join(tmpdir(), `plugd-never-${crypto.randomUUID()}`);
  const command = plugdFromSource(home);
  await using files = startFileServer({
    "/v1.zip": nativePluginZip({ type: "sinks", name: "kept", extra: { "etc/v.txt": "1" } }),
    "/v2.zip": nativePluginZip({ type: "sinks", name: "kept", extra: { "etc/v.txt": "2" } }),
    // Its install.sh waits for a file that never comes: the import is killed while it waits.
    "/slow.zip": nativePluginZip({
      type: "sinks",
      name: "slow",
      installSh: `touch started\nwhile [ ! -f ${gate} ]; do sleep 0.05; done\n`,
    }),
  });
  try {
    {
      await using first = await spawnPlugd(command);
      const post = (path: string, body: unknown) =>
        fetch(`${first.url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      expect(
        (await post("/plugins/sinks", { name: "kept", file: files.url("/v1.zip") })).status,
      ).toBe(201);
      const set = {
        nativePlugins: {
          sinks_kept: JSON.stringify({ name: "kept", file: files.url("/v2.zip") }),
          sinks_slow: JSON.stringify({ name: "slow", file: files.url("/slow.zip") }),
        },
      };
      void post("/data/import", { content: JSON.stringify(set) }).catch(() => undefined);
      const staging = join(home, "data", "staging");
      const started = () =>
        readdirSync(staging).some((dir) => {
          try {
            return readdirSync(join(staging, dir, "work")).includes("started");
          } catch {
            return false;
          }
        });
      await waitFor(started, "the slow plugin's install.sh to run");
      first.proc.kill("SIGKILL");
      await first.exited();
    }
    await using again = await spawnPlugd(command);
    expect(await (await fetch(`${again.url}/plugins/sinks`)).json()).toEqual(["kept"]);
    expect(readFileSync(join(home, "etc", "sinks", "kept", "v.txt"), "utf8")).toBe("1");
    expect(readdirSync(join(home, "data", "staging"))).toEqual([]);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
