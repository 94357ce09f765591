// No plugin's output stalls plugd: line cap, quoted tail, log rate limit, /ping under floods.
import { describe, expect, test } from "bun:test";
import { outputLineBurst, outputLinesPerSecond } from "../src/log/line-limiter.ts";
import { maxLineLength, truncationMark } from "../src/supervisor/line-splitter.ts";
import { outputLogged, pingDuring } from "./support/flood-kit.ts";
import { startFileServer } from "./support/http-fixtures.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import type { FloodBehaviour } from "./support/portable-plugins/fixture-behaviour.ts";
import { uniquePluginName } from "./support/portable-plugins/fixture-plugin.ts";
import { portablePluginZip } from "./support/portable-zips.ts";
import { startServer, type TestServer } from "./support/server.ts";
import { waitFor } from "./support/wait.ts";

const long = 60_000;

/** Creates sink `name` whose install.sh is `script`; the answer's status and message. */
async function installWith(server: TestServer, name: string, script: string) {
  const zip = nativePluginZip({ type: "sinks", name, installSh: script });
  await using files = startFileServer({ "/s.zip": zip });
  const res = await server.send("POST", "/plugins/sinks", { name, file: files.url("/s.zip") });
  const text = await res.text();
  return { status: res.status, text };
}

const messageOf = (text: string) => (JSON.parse(text) as { message: string }).message;
const quoted = (message: string) => message.slice(message.indexOf("last output:\n") + 13);

/** The most output lines the limiter lets through in `ms`: the burst, then the rate. */
const allowedLines = (ms: number) =>
  outputLineBurst + Math.ceil((outputLinesPerSecond * ms) / 1000) + 1;

describe("install.sh output", () => {
  test("a 10 MB line is cut at the line cap in the log and quoted in at most 4 KiB", async () => {
    await using server = await startServer();
    const script = "head -c 10000000 /dev/zero | tr '\\0' x\nexit 1\n";
    const { status, text } = await installWith(server, "wide", script);
    expect(status).toBe(400);
    const message = messageOf(text);
    expect(message).toContain("install.sh exited with status 1; last output:\n");
    expect(Buffer.byteLength(quoted(message))).toBeLessThanOrEqual(4096);
    expect(quoted(message)).toEndWith(`xxxx${truncationMark}`);
    const lines = server.logs.filter((l) => l.plugin === "wide" && l.stream === "stdout");
    expect(lines.map((l) => l.msg)).toEqual(["x".repeat(maxLineLength) + truncationMark]);
  });

  test("a failing script's message quotes its last 20 lines, and fewer when they pass 4 KiB", async () => {
    await using server = await startServer();
    const short = await installWith(
      server,
      "many",
      'for i in $(seq 1 100); do echo "line $i"; done\nexit 2\n',
    );
    const wanted = Array.from({ length: 20 }, (_, i) => `line ${81 + i}`);
    expect(quoted(messageOf(short.text))).toBe(wanted.join("\n"));
    const wide = await installWith(
      server,
      "wide",
      'for i in $(seq 1 30); do printf "%04d%0996d\\n" $i 0; done\nexit 2\n',
    );
    const row = (i: number) => String(i).padStart(4, "0") + "0".repeat(996);
    expect(quoted(messageOf(wide.text))).toBe([27, 28, 29, 30].map(row).join("\n"));
  });

  test(
    "10 MB of `yes` costs the log a bounded number of lines, counted as dropped, and /ping answers",
    async () => {
      await using server = await startServer();
      const started = performance.now();
      const { result, worstPingMs, pings } = await pingDuring(server, () =>
        installWith(server, "yes", "yes | head -c 10000000\n"),
      );
      const elapsed = performance.now() - started;
      expect(result.status).toBe(201);
      const logged = outputLogged(server, (l) => l.plugin === "yes");
      expect(logged.lines + logged.dropped).toBe(5_000_000);
      expect(logged.lines).toBeLessThanOrEqual(allowedLines(elapsed));
      expect(server.logs.some((l) => String(l.msg).startsWith("dropped "))).toBe(true);
      expect(pings).toBeGreaterThan(0);
      expect(worstPingMs).toBeLessThan(1000);
    },
    long,
  );
});

/** Creates portable `name` with a flooding test plugin; the create's status and /ping figures. */
async function createFlooding(server: TestServer, name: string, flood: FloodBehaviour) {
  const zip = portablePluginZip({ name, behaviour: { flood } });
  await using files = startFileServer({ "/p.zip": zip });
  return await pingDuring(server, async () => {
    const res = await server.send("POST", "/plugins/portables", {
      name,
      file: files.url("/p.zip"),
    });
    return { status: res.status, text: await res.text() };
  });
}

describe("a portable plugin's output", () => {
  test.each([
    ["before its handshake", true],
    ["after its handshake", false],
  ])(
    "a 20 MB flood %s reaches the log rate-limited, counted as dropped, and /ping answers",
    async (_when, beforeHandshake) => {
      await using server = await startServer({ config: "portable:\n  initTimeout: 30s\n" });
      const name = uniquePluginName();
      const floodLines = 10_000_000;
      const started = performance.now();
      const { result, worstPingMs } = await createFlooding(server, name, {
        bytes: floodLines * 2,
        beforeHandshake,
      });
      expect(result).toEqual({ status: 201, text: `portable plugin ${name} is created` });
      const { worstPingMs: worstAfter } = await pingDuring(server, () =>
        waitFor(
          () => {
            const { lines, dropped } = outputLogged(server, (l) => l.plugin === name);
            return lines + dropped >= floodLines;
          },
          "every flood line to be logged or counted as dropped",
          30_000,
        ),
      );
      const logged = outputLogged(server, (l) => l.plugin === name);
      expect(logged.lines).toBeLessThanOrEqual(allowedLines(performance.now() - started));
      expect(Math.max(worstPingMs, worstAfter)).toBeLessThan(1000);
    },
    long,
  );

  test(
    "initTimeout holds while a plugin floods forever before its handshake",
    async () => {
      await using server = await startServer({
        config: "portable:\n  initTimeout: 1s\n  stopTimeout: 500ms\n",
      });
      const name = uniquePluginName();
      const { result, worstPingMs } = await createFlooding(server, name, { beforeHandshake: true });
      expect(result.status).toBe(400);
      expect(messageOf(result.text)).toContain(`portable plugin ${name} did not start`);
      expect(worstPingMs).toBeLessThan(1000);
    },
    long,
  );
});
