// StartRegistry: the start commands in force for one plugin, replayed after a restart (pure).

import { EMPTY_META, type SymbolControl } from "./commands.ts";

/**
 * One entry per symbol, type and meta (rule, op, instance). eKuiper keys its replay map by
 * meta alone, so every function (all with the empty meta) collides and only the last one
 * comes back after a crash; keying by symbol too brings every one back.
 */
export function startKey(control: SymbolControl): string {
  const meta = control.meta ?? EMPTY_META;
  return JSON.stringify([
    control.pluginType,
    control.symbolName,
    meta.ruleId,
    meta.opId,
    meta.instanceId,
  ]);
}

/** "source random (rule rule1, op op1, instance 0)" or "func echo", for messages. */
export function describeSymbol(control: SymbolControl): string {
  const meta = control.meta ?? EMPTY_META;
  const where =
    meta.ruleId === ""
      ? ""
      : ` (rule ${meta.ruleId}, op ${meta.opId}, instance ${meta.instanceId})`;
  return `${control.pluginType} ${control.symbolName}${where}`;
}

/** The recorded starts, in the order they were first made. */
export class StartRegistry {
  readonly #entries = new Map<string, SymbolControl>();

  /** Records a successful start; a second start of the same key replaces the first. */
  add(control: SymbolControl): void {
    this.#entries.set(startKey(control), control);
  }

  /** Forgets a start; false if it was not recorded. */
  remove(control: SymbolControl): boolean {
    return this.#entries.delete(startKey(control));
  }

  has(control: SymbolControl): boolean {
    return this.#entries.has(startKey(control));
  }

  /** True while some recorded start is of function `symbol`, whatever its meta. */
  hasFunction(symbol: string): boolean {
    return this.entries().some((c) => c.pluginType === "func" && c.symbolName === symbol);
  }

  entries(): SymbolControl[] {
    return [...this.#entries.values()];
  }

  /** Per rule id, the symbols it has started; starts without a rule (functions) are not counted. */
  refCount(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const control of this.#entries.values()) {
      const ruleId = control.meta?.ruleId ?? "";
      if (ruleId !== "") counts[ruleId] = (counts[ruleId] ?? 0) + 1;
    }
    return counts;
  }

  clear(): void {
    this.#entries.clear();
  }
}
