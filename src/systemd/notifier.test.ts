// Tests of the notifier's messages and its behaviour without systemd or with a broken socket.
import { describe, expect, test } from "bun:test";
import { createLogger } from "../log/logger.ts";
import type { DatagramSender } from "./libc.ts";
import { createNotifier } from "./notifier.ts";

function fakeSocket(options: { failSends?: boolean } = {}) {
  const sent: string[] = [];
  const addresses: Uint8Array[] = [];
  let closed = false;
  const open = (address: Uint8Array): DatagramSender => {
    addresses.push(address);
    return {
      send(data) {
        if (options.failSends) throw new Error("sendto($NOTIFY_SOCKET) failed with errno 111");
        sent.push(new TextDecoder().decode(data));
      },
      close() {
        closed = true;
      },
    };
  };
  return { open, sent, addresses, closed: () => closed };
}

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ sink: (line) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe("createNotifier", () => {
  test("without NOTIFY_SOCKET it is disabled and opens nothing", () => {
    const socket = fakeSocket();
    const notifier = createNotifier({}, { logger: capturingLogger().logger, open: socket.open });
    notifier.ready("serving");
    notifier.watchdog();
    expect(notifier.enabled).toBe(false);
    expect(socket.addresses).toEqual([]);
  });

  test("sends READY=1, WATCHDOG=1 and STOPPING=1 with one-line statuses", () => {
    const socket = fakeSocket();
    const notifier = createNotifier(
      { NOTIFY_SOCKET: "@notify" },
      { logger: capturingLogger().logger, open: socket.open },
    );
    notifier.ready("serving http://127.0.0.1:9081");
    notifier.watchdog();
    notifier.stopping("SIGTERM\nSTATUS=forged");
    notifier.close();
    expect(notifier.enabled).toBe(true);
    expect(socket.sent).toEqual([
      "READY=1\nSTATUS=serving http://127.0.0.1:9081",
      "WATCHDOG=1",
      "STOPPING=1\nSTATUS=SIGTERM STATUS=forged",
    ]);
    expect(socket.closed()).toBe(true);
  });

  test("a failing socket is logged once per kind of message and never throws", () => {
    const socket = fakeSocket({ failSends: true });
    const { logger, lines } = capturingLogger();
    const notifier = createNotifier(
      { NOTIFY_SOCKET: "/run/notify" },
      { logger, open: socket.open },
    );
    notifier.watchdog();
    notifier.watchdog();
    notifier.ready("serving");
    expect(lines.map((l) => [l.level, l.module, l.msg, l.error])).toEqual([
      [
        "error",
        "systemd",
        "cannot send WATCHDOG=1 to systemd",
        "sendto($NOTIFY_SOCKET) failed with errno 111",
      ],
      [
        "error",
        "systemd",
        "cannot send READY=1 to systemd",
        "sendto($NOTIFY_SOCKET) failed with errno 111",
      ],
    ]);
  });

  test("an address it cannot use is logged and leaves the notifier disabled", () => {
    const socket = fakeSocket();
    const { logger, lines } = capturingLogger();
    const notifier = createNotifier({ NOTIFY_SOCKET: "vsock:2:99" }, { logger, open: socket.open });
    expect(notifier.enabled).toBe(false);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.msg).toBe("cannot notify systemd; it will not learn that plugd is ready");
    expect(String(lines[0]?.error)).toContain("NOTIFY_SOCKET=vsock:2:99");
  });
});
