// Imports run in the background as eKuiper's async tasks: register, running, finish, error, cancel.
import { describeError, notFound } from "../errors.ts";
import type { PlanEntry } from "../fleet/import-plan.ts";

export type TaskState = "register" | "running" | "finish" | "error" | "cancel";

/** GET /async/task/{id}: eKuiper's fields, then plugd's progress. */
export interface TaskStatus {
  id: string;
  status: TaskState;
  message: string;
  createdTimestamp: number;
  updatedTimestamp: number;
  progress: { done: number; total: number; current: string | null };
}

/** What a task's work is given: a signal that cancel() aborts, and a progress report. */
export interface TaskContext {
  readonly signal: AbortSignal;
  progress(done: number, total: number, current: PlanEntry | undefined): void;
}

const seconds = () => Math.floor(Date.now() / 1000);

/** Tasks remembered; past this the oldest ended ones are forgotten (404 after). */
const keptTasks = 100;

/** The import tasks of this plugd, kept in memory (the last 100 ended ones, and every running one). */
export class ImportTasks {
  readonly #tasks = new Map<string, { status: TaskStatus; abort: AbortController }>();
  #last = 0;

  /** Registers and starts `work`; its result (as JSON) or error becomes the task's message. */
  start(work: (task: TaskContext) => Promise<unknown>): string {
    this.#last = Math.max(this.#last + 1, seconds());
    const id = `dataImport-${this.#last}`;
    const now = seconds();
    const status: TaskStatus = {
      id,
      status: "register",
      message: "",
      createdTimestamp: now,
      updatedTimestamp: now,
      progress: { done: 0, total: 0, current: null },
    };
    const abort = new AbortController();
    this.#tasks.set(id, { status, abort });
    this.#forgetOld();
    const update = (fields: Partial<TaskStatus>) => {
      if (status.status === "cancel" && fields.status !== undefined) return;
      Object.assign(status, fields, { updatedTimestamp: seconds() });
    };
    const progress = (done: number, total: number, current: PlanEntry | undefined) =>
      update({ progress: { done, total, current: current?.key ?? null } });
    queueMicrotask(() => {
      update({ status: "running" });
      work({ signal: abort.signal, progress }).then(
        (result) => update({ status: "finish", message: JSON.stringify(result) }),
        (err: unknown) => update({ status: "error", message: describeError(err) }),
      );
    });
    return id;
  }

  #forgetOld(): void {
    for (const [id, task] of this.#tasks) {
      if (this.#tasks.size <= keptTasks) return;
      const ended = task.status.status !== "register" && task.status.status !== "running";
      if (ended) this.#tasks.delete(id);
    }
  }

  /** The task's status; 404 for an unknown id. */
  get(id: string): TaskStatus {
    const task = this.#tasks.get(id);
    if (!task) throw notFound(`async task: ${id} not found`);
    return task.status;
  }

  /**
   * Cancels the task: it stops before its next plugin is staged and commits nothing. A task in
   * its commit finishes it. 404 for an unknown id.
   */
  cancel(id: string): void {
    const task = this.#tasks.get(id);
    if (!task) throw notFound(`async task: ${id} not found`);
    if (task.status.status === "finish" || task.status.status === "error") return;
    task.status.status = "cancel";
    task.status.updatedTimestamp = seconds();
    task.abort.abort(new Error("the import was cancelled"));
  }
}
