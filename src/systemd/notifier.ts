// sd_notify(3) for plugd: READY=1, WATCHDOG=1, STOPPING=1 and STATUS= to $NOTIFY_SOCKET, when set.
import type { Logger } from "../log/logger.ts";
import { type DatagramSender, openDatagramSender } from "./libc.ts";
import { notifyAddress } from "./notify-address.ts";

export type NotifyEnv = Readonly<Record<string, string | undefined>>;

/** Tells the service manager how plugd is doing; every call is a no-op when it is not listening. */
export interface Notifier {
  /** True when $NOTIFY_SOCKET named a socket that could be opened. */
  readonly enabled: boolean;
  /** plugd answers requests; `status` is shown by `systemctl status`. */
  ready(status: string): void;
  /** plugd is alive (the watchdog's keep-alive ping). */
  watchdog(): void;
  /** plugd has begun to stop. */
  stopping(status: string): void;
  close(): void;
}

export interface NotifierOptions {
  logger: Logger;
  /** Opens the socket for an address; tests pass a fake, plugd the libc one. */
  open?: (address: Uint8Array) => DatagramSender;
}

const disabled: Notifier = {
  enabled: false,
  ready: () => {},
  watchdog: () => {},
  stopping: () => {},
  close: () => {},
};

/**
 * A notifier for the socket in `env.NOTIFY_SOCKET`, or one that does nothing when it is unset.
 * Notifications are best effort, as with sd_notify: a failure is logged (once per kind of
 * message), never thrown, so a broken socket cannot stop plugd from serving.
 */
export function createNotifier(env: NotifyEnv, options: NotifierOptions): Notifier {
  const value = env.NOTIFY_SOCKET;
  if (value === undefined || value === "") return disabled;
  const log = options.logger.child({ module: "systemd" });
  let sender: DatagramSender;
  try {
    sender = (options.open ?? openDatagramSender)(notifyAddress(value));
  } catch (err) {
    log.error("cannot notify systemd; it will not learn that plugd is ready", { error: err });
    return disabled;
  }
  const failed = new Set<string>();
  const send = (kind: string, message: string) => {
    try {
      sender.send(new TextEncoder().encode(message));
    } catch (err) {
      if (!failed.has(kind)) log.error(`cannot send ${kind} to systemd`, { error: err });
      failed.add(kind);
    }
  };
  return {
    enabled: true,
    ready: (status) => send("READY=1", `READY=1\nSTATUS=${oneLine(status)}`),
    watchdog: () => send("WATCHDOG=1", "WATCHDOG=1"),
    stopping: (status) => send("STOPPING=1", `STOPPING=1\nSTATUS=${oneLine(status)}`),
    close: () => sender.close(),
  };
}

/** A newline would start another assignment in the message. */
function oneLine(text: string): string {
  return text.replaceAll("\n", " ");
}
