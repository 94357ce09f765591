// Clock: the time source and timers the supervisor uses, injected so tests can drive time.

/** Opaque id of a pending timer; only the clock that made it can cancel it. */
export type TimerHandle = number;

/** What the supervisor needs of time; `realClock` in production, `VirtualClock` in tests. */
export interface Clock {
  /** Milliseconds since the epoch (or since the virtual clock's origin). */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; an unknown or already-run handle is ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** Creates a clock backed by `Date.now` and the runtime's timers. */
function createRealClock(): Clock {
  // Numeric handles keep the Clock type free of the runtime's Timer type, so fakes need no casts.
  const timers = new Map<TimerHandle, ReturnType<typeof setTimeout>>();
  let nextId = 1;
  return {
    now: () => Date.now(),
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(
        id,
        setTimeout(() => {
          timers.delete(id);
          fn();
        }, ms),
      );
      return id;
    },
    clearTimeout(handle) {
      const timer = timers.get(handle);
      if (timer === undefined) return;
      clearTimeout(timer);
      timers.delete(handle);
    },
  };
}

/** The clock of the running process. */
export const realClock: Clock = createRealClock();
