// Logs as journald keeps them: every line plugd prints is one JSON object with level, module, msg.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eachLine } from "../src/install/run-script.ts";
import { startFileServer } from "./support/http-fixtures.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { startServer } from "./support/server.ts";
import { waitFor } from "./support/wait.ts";

const work = mkdtempSync(join(tmpdir(), "plugd-logs-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Printed {
  stream: "stdout" | "stderr";
  line: string;
}

/** Whatever in `line` keeps it from being a log line journald can keep, or "" when nothing. */
function fault({ stream, line }: Printed): string {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return "not JSON";
  }
  if (typeof record !== "object" || record === null) return "not an object";
  const { level, module, msg } = record as Record<string, unknown>;
  if (!["debug", "info", "warn", "error"].includes(String(level))) return "no level";
  if (typeof module !== "string" || module === "") return "no module";
  if (typeof msg !== "string") return "no msg";
  const loud = level === "warn" || level === "error";
  if (loud !== (stream === "stderr")) return `${level} on ${stream}`;
  return "";
}

describe("plugd's output", () => {
  test("is JSON lines with level, module and msg from start to exit, errors on stderr", async () => {
    const home = mkdtempSync(join(work, "home-"));
    await Bun.write(join(home, "etc", "plugd.yaml"), "basic:\n  logLevel: debug\n");
    // Adopted at start: the reconciliation's warning is a line that names no module of its own.
    await Bun.write(join(home, "plugins", "sources", "Found@v1.0.0.so"), "");
    await using files = startFileServer({
      "/ok.zip": nativePluginZip({ type: "sinks", name: "ok", installSh: "echo installing\n" }),
      "/bad.zip": nativePluginZip({ type: "sinks", name: "bad", installSh: "exit 3\n" }),
    });
    const main = join(import.meta.dir, "..", "src", "main.ts");
    const proc = Bun.spawn(
      [process.execPath, main, "serve", "--home", home, "--host", "127.0.0.1", "--port", "0"],
      { stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "" } },
    );
    const printed: Printed[] = [];
    const reading = Promise.all(
      (["stdout", "stderr"] as const).map((stream) =>
        eachLine(proc[stream], (line) => printed.push({ stream, line })),
      ),
    );
    await waitFor(() => printed.some((p) => p.line.includes("plugd is listening")), "the start");
    const url = /"url":"([^"]+)"/.exec(printed.map((p) => p.line).join("\n"))?.[1] ?? "";
    const post = (name: string) =>
      fetch(`${url}/plugins/sinks`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name, file: files.url(`/${name}.zip`) }),
      });
    expect((await post("ok")).status).toBe(201);
    expect((await post("bad")).status).toBe(400);
    expect((await post("missing")).status).toBe(400);
    expect((await fetch(`${url}/no/such/route`)).status).toBe(404);
    expect((await fetch(`${url}/plugins/sinks/ok?stop=1`, { method: "DELETE" })).status).toBe(200);
    expect(await proc.exited).toBe(100);
    await reading;
    expect(printed.filter((p) => fault(p) !== "").map((p) => `${fault(p)}: ${p.line}`)).toEqual([]);
    const records = printed.map((p) => JSON.parse(p.line) as Record<string, unknown>);
    expect([...new Set(records.map((r) => r.module))]).toEqual(
      expect.arrayContaining(["main", "install", "http", "plugd"]),
    );
    expect(records.map((r) => r.msg)).toContain("installing");
    expect(records.at(-1)).toMatchObject({ level: "info", module: "main", msg: "plugd stopped" });
  });

  test("basic.logLevel warn leaves out debug and info lines", async () => {
    await using server = await startServer({ config: "basic:\n  logLevel: warn\n" });
    expect((await server.request("/no/such/route")).status).toBe(404);
    const file = `file://${join(work, "missing.zip")}`;
    expect((await server.send("POST", "/plugins/sinks", { name: "x", file })).status).toBe(400);
    expect(server.logs.filter((l) => l.level === "debug" || l.level === "info")).toEqual([]);
    expect(server.logs.map((l) => [l.level, l.module])).toContainEqual(["warn", "install"]);
  });
});
