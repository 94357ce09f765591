// The systemd watchdog: when $WATCHDOG_USEC asks for pings, send WATCHDOG=1 at half that interval.
import type { Clock } from "../supervisor/clock.ts";
import type { NotifyEnv } from "./notifier.ts";

/**
 * How often to ping, in milliseconds, or undefined when no watchdog is set for this process:
 * as sd_watchdog_enabled(3), $WATCHDOG_USEC must be a positive number of microseconds and
 * $WATCHDOG_PID, when set, must be `pid`. Pings go at half the timeout, as systemd advises.
 */
export function watchdogInterval(env: NotifyEnv, pid: number): number | undefined {
  const usec = Number(env.WATCHDOG_USEC ?? "");
  if (!Number.isSafeInteger(usec) || usec <= 0) return undefined;
  const owner = env.WATCHDOG_PID;
  if (owner !== undefined && owner !== "" && Number(owner) !== pid) return undefined;
  return Math.max(1, Math.floor(usec / 2000));
}

/**
 * Calls `ping` every `intervalMs` from the event loop, so pings stop when the loop is stuck (a
 * busy loop, a blocking call) and systemd restarts plugd. Returns the function that stops it.
 */
export function startWatchdog(ping: () => void, intervalMs: number, clock: Clock): () => void {
  let handle = clock.setTimeout(function tick() {
    ping();
    handle = clock.setTimeout(tick, intervalMs);
  }, intervalMs);
  return () => clock.clearTimeout(handle);
}
