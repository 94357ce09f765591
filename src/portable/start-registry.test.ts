// Unit tests of StartRegistry: one replay entry per symbol and consumer, and the refCount per rule.

import { describe, expect, test } from "bun:test";
import type { SymbolControl } from "./commands.ts";
import { describeSymbol, StartRegistry, startKey } from "./start-registry.ts";

const echo: SymbolControl = { symbolName: "echo", pluginType: "func" };
const echo2: SymbolControl = { symbolName: "echo2", pluginType: "func" };
const meta = (ruleId: string, opId = "op1") => ({ ruleId, opId, instanceId: 0 });
const source = (ruleId: string, opId?: string): SymbolControl => ({
  symbolName: "random",
  pluginType: "source",
  meta: meta(ruleId, opId),
});

describe("StartRegistry", () => {
  test("two functions with the empty meta are both kept, unlike eKuiper's meta-keyed map", () => {
    const registry = new StartRegistry();
    registry.add(echo);
    registry.add(echo2);
    expect(registry.entries()).toEqual([echo, echo2]);
  });

  test("a second start of the same symbol and consumer replaces the first", () => {
    const registry = new StartRegistry();
    registry.add(source("rule1"));
    registry.add({ ...source("rule1"), dataSource: "t2" });
    expect(registry.entries()).toEqual([{ ...source("rule1"), dataSource: "t2" }]);
  });

  test("refCount counts, per rule, the symbols it started; functions without a rule are left out", () => {
    const registry = new StartRegistry();
    registry.add(echo);
    registry.add(source("rule1"));
    registry.add(source("rule1", "op2"));
    registry.add(source("rule2"));
    expect(registry.refCount()).toEqual({ rule1: 2, rule2: 1 });
    expect(registry.remove(source("rule1"))).toBe(true);
    expect(registry.remove(source("rule1"))).toBe(false);
    expect(registry.refCount()).toEqual({ rule1: 1, rule2: 1 });
  });

  test("hasFunction sees a function started under any meta", () => {
    const registry = new StartRegistry();
    registry.add({ ...echo, meta: meta("rule9") });
    expect(registry.hasFunction("echo")).toBe(true);
    expect(registry.hasFunction("echo2")).toBe(false);
  });

  test("keys and descriptions name the type, symbol and consumer", () => {
    expect(startKey(echo)).toBe('["func","echo","","",0]');
    expect(describeSymbol(echo)).toBe("func echo");
    expect(describeSymbol(source("r"))).toBe("source random (rule r, op op1, instance 0)");
  });
});
