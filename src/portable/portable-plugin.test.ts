// PortablePlugin with real plugin processes: handshake, symbols, functions, sources and sinks.

import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { waitForLine } from "../../test/support/child-fixtures/fixtures.ts";
import { fixtureHarness } from "../../test/support/portable-plugins/plugin-harness.ts";
import { waitFor } from "../../test/support/wait.ts";
import { AppError } from "../errors.ts";
import type { SymbolControl } from "./commands.ts";
import type { SourceMessage } from "./data-channels.ts";

/** Real processes start slowly on a loaded machine; bunfig's test timeout is not applied. */
const SLOW = { timeout: 20_000 };

const bytes = (text: string) => new TextEncoder().encode(text);

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof AppError) return err;
  throw new Error(`expected an AppError, got ${String(err)}`);
}

describe("PortablePlugin", () => {
  test(
    "start waits for the handshake; the status is running with the plugin's own pid",
    async () => {
      await using h = await fixtureHarness();
      await h.plugin.start();
      const line = await waitForLine(h.plugin.output, (l) => l.text.includes("started, pid"));
      const status = h.plugin.status();
      expect(status).toEqual({
        refCount: {},
        status: "running",
        errMsg: "",
        pid: Number(/pid (\d+)/.exec(line.text)?.[1]),
        restarts: 0,
        startedAt: expect.any(String),
      });
      expect(existsSync(`/tmp/plugin_${h.name}.ipc`)).toBe(true);
    },
    SLOW,
  );

  test(
    "a function is started on first call and answers Exec, Validate and IsAggregate",
    async () => {
      await using h = await fixtureHarness();
      await h.plugin.start();
      expect(await h.plugin.callFunction(h.fn, "Exec", ["hello", 2])).toEqual({
        state: true,
        result: "hello",
      });
      expect(await h.plugin.callFunction(h.fn, "Validate", [{ Val: "x" }])).toEqual({
        state: true,
        result: "",
      });
      expect(await h.plugin.callFunction(h.fn, "IsAggregate", null)).toEqual({
        state: true,
        result: false,
      });
      expect(existsSync(`/tmp/func_${h.fn}.ipc`)).toBe(true);
    },
    SLOW,
  );

  test(
    "a start the plugin refuses is a 400 with its answer, and leaves no socket behind",
    async () => {
      await using h = await fixtureHarness({ manifest: { functions: ["unknown_to_plugin"] } });
      await h.plugin.start();
      const err = await rejection(
        h.plugin.startSymbol({ symbolName: "unknown_to_plugin", pluginType: "func" }),
      );
      expect(err.status).toBe(400);
      expect(err.message).toBe(
        `portable plugin ${h.name} refused start func unknown_to_plugin: symbol not found`,
      );
      expect(existsSync("/tmp/func_unknown_to_plugin.ipc")).toBe(false);
      expect(h.plugin.status().status).toBe("running");
    },
    SLOW,
  );

  test(
    "a symbol the manifest does not list is a 400 naming what it does list",
    async () => {
      await using h = await fixtureHarness();
      await h.plugin.start();
      const err = await rejection(h.plugin.startSymbol({ symbolName: "nope", pluginType: "sink" }));
      expect(err.message).toBe(
        `portable plugin ${h.name} has no sink named nope (its sinks: file)`,
      );
    },
    SLOW,
  );

  test(
    "an Exec over 1 MiB is refused with a clear 400 and the function keeps working",
    async () => {
      await using h = await fixtureHarness();
      await h.plugin.start();
      const err = await rejection(h.plugin.callFunction(h.fn, "Exec", ["x".repeat(1_048_576)]));
      expect(err.status).toBe(400);
      expect(err.message).toContain(`the Exec call of function ${h.fn} is `);
      expect(err.message).toContain(
        "Go plugins drop the connection past 1048576 bytes (1 MiB), so it was not sent",
      );
      expect(await h.plugin.callFunction(h.fn, "Exec", ["small"])).toEqual({
        state: true,
        result: "small",
      });
    },
    SLOW,
  );

  test(
    "a source's messages reach onSourceData until it is stopped",
    async () => {
      const received: SourceMessage[] = [];
      await using h = await fixtureHarness(
        {},
        { onSourceData: (_symbol, _meta, data) => received.push(data) },
      );
      await h.plugin.start();
      const source: SymbolControl = {
        symbolName: "random",
        pluginType: "source",
        meta: { ruleId: h.rule, opId: "op1", instanceId: 0 },
        dataSource: "topic1",
        config: { interval: 10 },
      };
      await h.plugin.startSymbol(source);
      expect(h.plugin.status().refCount).toEqual({ [h.rule]: 1 });
      await waitFor(() => received.length >= 3, "three source messages");
      expect(received[0]).toEqual({
        message: { symbol: "random", dataSource: "topic1", config: { interval: 10 }, n: 0 },
        meta: {},
      });
      await h.plugin.stopSymbol(source);
      expect(h.plugin.status().refCount).toEqual({});
      expect(existsSync(`/tmp/${h.rule}_op1_0.ipc`)).toBe(false);
      await waitForLine(h.plugin.output, (l) => l.text.includes("stopped source random"));
    },
    SLOW,
  );

  test(
    "a sink gets the raw bytes pushed to it and acknowledges them when requireAck is set",
    async () => {
      await using h = await fixtureHarness();
      await h.plugin.start();
      const sink: SymbolControl = {
        symbolName: "file",
        pluginType: "sink",
        meta: { ruleId: h.rule, opId: "op2", instanceId: 0 },
        config: { requireAck: true, path: "/dev/null" },
      };
      await h.plugin.startSymbol(sink);
      await h.plugin.sendToSink(sink, bytes('{"temperature":21}'));
      await waitForLine(h.plugin.output, (l) =>
        l.text.endsWith('sink file received {"temperature":21}'),
      );
      await h.plugin.stopSymbol(sink);
      const err = await rejection(h.plugin.sendToSink(sink, bytes("{}")));
      expect(err.message).toContain("is not started");
    },
    SLOW,
  );

  test(
    "stop ends the process with SIGTERM and removes every socket file",
    async () => {
      await using h = await fixtureHarness();
      await h.plugin.start();
      await h.plugin.callFunction(h.fn, "Exec", ["x"]);
      const pid = h.plugin.status().pid;
      await h.plugin.stop();
      await waitForLine(h.plugin.output, (l) => l.text.includes(`stopping plugin ${h.name}`));
      expect(h.plugin.status()).toMatchObject({ status: "stop", pid: 0, refCount: {} });
      expect(existsSync(`/proc/${pid}`)).toBe(false);
      expect(existsSync(`/tmp/plugin_${h.name}.ipc`)).toBe(false);
      expect(existsSync(`/tmp/func_${h.fn}.ipc`)).toBe(false);
    },
    SLOW,
  );

  test(
    "calls on a stopped plugin are refused with a 400 saying it is not running",
    async () => {
      await using h = await fixtureHarness();
      const err = await rejection(h.plugin.callFunction(h.fn, "Exec", ["x"]));
      expect(err.message).toBe(`portable plugin ${h.name} is not running (status stop)`);
    },
    SLOW,
  );
});
