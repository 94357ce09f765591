// What plugd tells systemd over its life: ready (with its URL), watchdog pings, and stopping.
import type { Logger } from "../log/logger.ts";
import type { Clock } from "../supervisor/clock.ts";
import { createNotifier, type NotifierOptions, type NotifyEnv } from "./notifier.ts";
import { startWatchdog, watchdogInterval } from "./watchdog.ts";

export interface ServiceManager {
  /** Says STOPPING=1 with `reason` and stops the watchdog pings. */
  stopping(reason: string): void;
  /** Closes the notify socket. */
  close(): void;
}

export interface ReadyOptions {
  env: NotifyEnv;
  logger: Logger;
  /** Where plugd serves, shown by `systemctl status`. */
  url: string;
  clock: Clock;
  pid: number;
  open?: NotifierOptions["open"];
}

/**
 * Sends READY=1 (plugd answers requests from now on) and starts the watchdog pings when systemd
 * asked for them. Without $NOTIFY_SOCKET every part of it is a no-op.
 */
export function announceReady(options: ReadyOptions): ServiceManager {
  const { env, logger, clock } = options;
  const notifier = createNotifier(env, {
    logger,
    ...(options.open !== undefined && { open: options.open }),
  });
  notifier.ready(`serving ${options.url}`);
  const interval = notifier.enabled ? watchdogInterval(env, options.pid) : undefined;
  const stopWatchdog =
    interval === undefined ? () => {} : startWatchdog(() => notifier.watchdog(), interval, clock);
  if (notifier.enabled) {
    logger.info("told systemd plugd is ready", { module: "systemd", watchdogMs: interval ?? null });
  }
  return {
    stopping(reason) {
      stopWatchdog();
      notifier.stopping(reason);
    },
    close: () => notifier.close(),
  };
}
