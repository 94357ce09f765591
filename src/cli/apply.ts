// `plugd apply FILE [--dry-run] [--url URL] [--token T]`: a plugin set applied to a running plugd.
import { readFileSync } from "node:fs";
import { parseConfiguration } from "../fleet/configuration.ts";

export interface ApplyFlags {
  file: string;
  url: string;
  dryRun: boolean;
  token: string | undefined;
  /** Where lines go (stdout). */
  print: (line: string) => void;
}

interface PlanRow {
  key: string;
  action: string;
}

interface Task {
  status: string;
  message: string;
  progress: { done: number; total: number; current: string | null };
}

/**
 * Reads the export (JSON, or YAML when the file ends in .yaml/.yml), asks the plugd at `url`
 * for the plan (printed as a table), and unless `dryRun` applies it as an async import,
 * printing a line per plugin as it is staged. Returns the exit status: 0 when applied (or
 * planned), 1 when plugd refused it (its message printed).
 */
export async function runApply(flags: ApplyFlags): Promise<number> {
  const text = readFileSync(flags.file, "utf8");
  const yaml = /\.ya?ml$/i.test(flags.file);
  const config = yaml ? parseConfiguration(text, true) : parseConfiguration(text, false);
  const content = JSON.stringify(config);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (flags.token) headers.authorization = `Bearer ${flags.token}`;
  const post = (path: string) =>
    fetch(`${flags.url}${path}`, { method: "POST", headers, body: JSON.stringify({ content }) });
  const planned = await post("/data/import?dryRun=1");
  if (!planned.ok) return refused(flags, await planned.text());
  const { plan } = (await planned.json()) as { plan: PlanRow[] };
  printPlan(flags, plan);
  if (flags.dryRun) return 0;
  const started = await post("/async/data/import");
  if (!started.ok) return refused(flags, await started.text());
  const { id } = (await started.json()) as { id: string };
  const changing = plan.filter((p) => p.action !== "unchanged").map((p) => p.key);
  const task = await follow(flags, id, headers, changing);
  if (task.status !== "finish") return refused(flags, task.message);
  flags.print(`applied: ${plan.filter((p) => p.action !== "unchanged").length} changed`);
  return 0;
}

function printPlan(flags: ApplyFlags, plan: readonly PlanRow[]): void {
  const width = Math.max(6, ...plan.map((p) => p.key.length));
  flags.print(`${"PLUGIN".padEnd(width)}  ACTION`);
  for (const row of plan) flags.print(`${row.key.padEnd(width)}  ${row.action}`);
}

/**
 * Polls the task, printing "[n/total] key" for each plugin as it is reached (all of them by
 * the end of a finished task, however fast it went).
 */
async function follow(
  flags: ApplyFlags,
  id: string,
  headers: Record<string, string>,
  changing: readonly string[],
): Promise<Task> {
  let printed = 0;
  for (;;) {
    const res = await fetch(`${flags.url}/async/task/${id}`, { headers });
    const task = (await res.json()) as Task;
    const { done, current } = task.progress;
    const reached = task.status === "finish" ? changing.length : done + (current === null ? 0 : 1);
    for (; printed < Math.min(reached, changing.length); printed++) {
      flags.print(`[${printed + 1}/${changing.length}] ${changing[printed]}`);
    }
    if (task.status !== "register" && task.status !== "running") return task;
    await Bun.sleep(100);
  }
}

function refused(flags: ApplyFlags, message: string): number {
  flags.print(`refused: ${message}`);
  return 1;
}
