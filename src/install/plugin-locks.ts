// One change at a time per plugin: a second create/update/delete of the same plugin gets 409.
import { conflict } from "../errors.ts";

/** Keys of the plugins with a change in progress. */
export class PluginLocks {
  readonly #busy = new Set<string>();

  /**
   * Runs `work` holding the lock of `type/name`. Throws 409 at once when another change to the
   * same plugin is running; the lock is released however `work` ends.
   */
  async with<T>(type: string, name: string, work: () => Promise<T>): Promise<T> {
    const key = `${type}/${name}`;
    if (this.#busy.has(key)) {
      throw conflict(`another change to ${type} plugin ${name} is in progress; try again later`);
    }
    this.#busy.add(key);
    try {
      return await work();
    } finally {
      this.#busy.delete(key);
    }
  }

  /**
   * Runs `work` holding the locks of every plugin in `keys` (type, name); 409 at once, taking
   * none, when one of them is busy.
   */
  async withAll<T>(keys: readonly [string, string][], work: () => Promise<T>): Promise<T> {
    const [first, ...rest] = keys;
    if (!first) return work();
    return this.with(first[0], first[1], () => this.withAll(rest, work));
  }

  /** True while any change is running (used at shutdown). */
  get active(): number {
    return this.#busy.size;
  }
}
