// A plugin set from a file: applied at every start (--plugins), and by `plugd apply`.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFileServer } from "./support/http-fixtures.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { startServer } from "./support/server.ts";

function setFile(entries: Record<string, string>, yaml = false) {
  const dir = mkdtempSync(join(tmpdir(), "plugd-set-"));
  const nativePlugins = Object.fromEntries(
    Object.entries(entries).map(([key, file]) => [
      key,
      { name: key.slice(key.indexOf("_") + 1), file },
    ]),
  );
  const path = join(dir, yaml ? "set.yaml" : "set.json");
  const text = yaml
    ? Bun.YAML.stringify({ nativePlugins }, null, 2)
    : JSON.stringify({
        nativePlugins: Object.fromEntries(
          Object.entries(nativePlugins).map(([k, v]) => [k, JSON.stringify(v)]),
        ),
      });
  writeFileSync(path, text);
  return { path, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

describe("plugin sets from a file", () => {
  test("plugin.pluginsFile is applied at start, and a restart reinstalls nothing", async () => {
    await using files = startFileServer({
      "/file.zip": nativePluginZip({ type: "sinks", name: "file" }),
    });
    using set = setFile({ sinks_file: files.url("/file.zip") }, true);
    await using server = await startServer({ config: `plugin:\n  pluginsFile: ${set.path}\n` });
    expect(await (await server.request("/plugins/sinks")).json()).toEqual(["file"]);
    const so = join(server.home, "plugins", "sinks", "File@v1.0.0.so");
    const inode = statSync(so).ino;
    await using again = await server.restart();
    expect(await (await again.request("/plugins/sinks")).json()).toEqual(["file"]);
    expect(statSync(so).ino).toBe(inode);
    expect(files.downloads("/file.zip")).toBe(1);
  });

  test("plugd apply prints the plan, a line per plugin, and applies the set to a running plugd", async () => {
    await using server = await startServer();
    await using files = startFileServer({
      "/file.zip": nativePluginZip({ type: "sinks", name: "file" }),
      "/random.zip": nativePluginZip({ type: "sources", name: "random" }),
    });
    using set = setFile({
      sinks_file: files.url("/file.zip"),
      sources_random: files.url("/random.zip"),
    });
    const main = join(import.meta.dir, "..", "src", "main.ts");
    const run = async (...args: string[]) => {
      const proc = Bun.spawn(
        [process.execPath, main, "apply", set.path, "--url", server.url, ...args],
        {
          stdout: "pipe",
          stderr: "pipe",
        },
      );
      const out = await new Response(proc.stdout).text();
      return { code: await proc.exited, lines: out.trimEnd().split("\n") };
    };
    const dry = await run("--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.lines).toEqual([
      "PLUGIN          ACTION",
      "sinks_file      install",
      "sources_random  install",
    ]);
    expect(await (await server.request("/plugins/sinks")).json()).toEqual([]);
    const applied = await run();
    expect(applied.code).toBe(0);
    expect(applied.lines.slice(0, 3)).toEqual(dry.lines);
    expect(applied.lines.slice(3, 5)).toEqual(["[1/2] sinks_file", "[2/2] sources_random"]);
    expect(applied.lines.at(-1)).toBe("applied: 2 changed");
    expect(await (await server.request("/plugins/sources")).json()).toEqual(["random"]);
    const again = await run();
    expect(again.lines.at(-1)).toBe("applied: 0 changed");
  });
});
