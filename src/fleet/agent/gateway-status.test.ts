// Events from an apply's report and from two looks at the portables (pure).
import { describe, expect, test } from "bun:test";
import { applyEvents, portableEvents } from "./gateway-status.ts";

const at = "2026-01-01T00:00:00.000Z";
const plugin = (restarts: number, status = "running", errMsg = "") => ({
  name: "p",
  status,
  restarts,
  errMsg,
});

describe("portableEvents", () => {
  test("a new restart is a crash; giving up is a crash loop, said once", () => {
    const crashed = portableEvents([plugin(0)], [plugin(1)], "gw");
    expect(crashed.map((e) => [e.type, e.plugin, e.restarts])).toEqual([
      ["plugin-crashed", "p", 1],
    ]);
    const gaveUp = plugin(4, "error", "gave up after 5 crashes in 2 minutes; update the plugin");
    expect(portableEvents([plugin(4)], [gaveUp], "gw").map((e) => e.type)).toEqual(["crash-loop"]);
    expect(portableEvents([gaveUp], [gaveUp], "gw")).toEqual([]);
  });

  test("a plugin installed since the last look that restarted already is a crash", () => {
    expect(portableEvents([], [plugin(1)], "gw").map((e) => e.type)).toEqual(["plugin-crashed"]);
    expect(portableEvents([], [plugin(0)], "gw")).toEqual([]);
  });
});

describe("applyEvents", () => {
  test("an applied set is one event per changed plugin; a refusal is refused", () => {
    const base = { sha256: "s", source: "t", rollout: "all", at };
    const plan = [
      { key: "sinks_a", action: "install", result: "done" as const },
      { key: "sinks_b", action: "unchanged", result: "unchanged" as const },
      { key: "sinks_c", action: "remove", result: "done" as const },
    ];
    expect(
      applyEvents({ ...base, state: "applied", plan }, "gw").map((e) => `${e.type} ${e.plugin}`),
    ).toEqual(["installed sinks_a", "removed sinks_c"]);
    const refused = applyEvents(
      { ...base, state: "failed", plan: [], error: "refused: unsigned" },
      "gw",
    );
    expect(refused).toEqual([
      { type: "refused", gatewayId: "gw", at, sha256: "s", message: "refused: unsigned" },
    ]);
  });
});
