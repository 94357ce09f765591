// install.sh: arguments, private working folder, failure with its output, time limit, group kill.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startFileServer } from "./support/http-fixtures.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { startServer } from "./support/server.ts";
import { snapshot } from "./support/snapshot.ts";
import { isAlive, waitFor } from "./support/wait.ts";

describe("install.sh", () => {
  test("runs with the shellParas in a private folder that holds the zip's other files", async () => {
    await using server = await startServer();
    const marker = join(server.home, "ran.txt");
    const script = `echo "args:$*" > ${marker}; cat data.txt >> ${marker}; pwd >> ${marker}\n`;
    const zip = nativePluginZip({
      type: "sinks",
      name: "sh",
      installSh: script,
      extra: { "data.txt": "payload\n" },
    });
    await using files = startFileServer({ "/sh.zip": zip });
    const res = await server.send("POST", "/plugins/sinks", {
      name: "sh",
      file: files.url("/sh.zip"),
      shellParas: ["--quiet", "two words"],
    });
    expect(res.status).toBe(201);
    const [args, payload, cwd] = readFileSync(marker, "utf8").trim().split("\n");
    expect(args).toBe("args:--quiet two words");
    expect(payload).toBe("payload");
    expect(cwd?.startsWith(join(server.home, "data/staging"))).toBe(true);
    expect(existsSync(cwd ?? "/nonexistent")).toBe(false);
  });

  test("a failing script fails the install with its status and last lines, leaving nothing", async () => {
    await using server = await startServer();
    const zip = nativePluginZip({
      type: "sinks",
      name: "bad",
      installSh: "echo preparing\necho 'missing libfoo' >&2\nexit 3\n",
    });
    await using files = startFileServer({ "/bad.zip": zip });
    const before = snapshot(server);
    const res = await server.send("POST", "/plugins/sinks", {
      name: "bad",
      file: files.url("/bad.zip"),
    });
    expect(res.status).toBe(400);
    const { message } = (await res.json()) as { message: string };
    expect(message).toContain("install.sh exited with status 3");
    expect(message).toContain("preparing");
    expect(message).toContain("missing libfoo");
    expect(snapshot(server)).toEqual(before);
    expect(server.logs.some((l) => l.msg === "missing libfoo" && l.stream === "stderr")).toBe(true);
  });

  test("a script that never ends is killed with its process group after plugin.installTimeout", async () => {
    await using server = await startServer({ config: "plugin:\n  installTimeout: 300ms\n" });
    const pidFile = join(server.home, "child.pid");
    const zip = nativePluginZip({
      type: "sinks",
      name: "hang",
      installSh: `sleep 600 &\necho $! > ${pidFile}\necho started\nwait\n`,
    });
    await using files = startFileServer({ "/h.zip": zip });
    const before = snapshot(server);
    const res = await server.send("POST", "/plugins/sinks", {
      name: "hang",
      file: files.url("/h.zip"),
    });
    expect(res.status).toBe(400);
    const { message } = (await res.json()) as { message: string };
    expect(message).toContain("install.sh did not finish within 300ms (plugin.installTimeout)");
    expect(message).toContain("started");
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    await waitFor(() => !isAlive(grandchild), "the script's background child to die");
    rmSync(pidFile);
    expect(snapshot(server)).toEqual(before);
  });

  test("shellParas for a zip without install.sh is a 400", async () => {
    await using server = await startServer();
    await using files = startFileServer({
      "/n.zip": nativePluginZip({ type: "sinks", name: "n" }),
    });
    const res = await server.send("POST", "/plugins/sinks", {
      name: "n",
      file: files.url("/n.zip"),
      shellParas: ["x"],
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain("no install.sh");
  });
});
