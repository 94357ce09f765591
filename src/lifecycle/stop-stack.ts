// StopStack: the one place that knows the order of stopping; parts register as they start.

/** A step of the stop sequence, run after every step registered later than it. */
export type StopStep = () => Promise<void> | void;

/** Stop steps pushed as parts start, run once in reverse order of registration. */
export class StopStack {
  readonly #steps: StopStep[] = [];
  #stopped: Promise<void> | undefined;

  /** Registers `step` to run before every step registered earlier. */
  push(step: StopStep): void {
    this.#steps.push(step);
  }

  /** Runs the steps newest first, one after another; later calls get the same promise. */
  run(): Promise<void> {
    this.#stopped ??= (async () => {
      for (const step of [...this.#steps].reverse()) await step();
    })();
    return this.#stopped;
  }
}

/** True when `work` settles within `ms`; false (leaving it running) when it does not. */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = work.then(
    () => true as const,
    () => true as const,
  );
  return await Promise.race([settled, late]).finally(() => clearTimeout(timer));
}
