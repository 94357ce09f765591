// Tests of what plugd tells systemd over its life, with a fake socket and a virtual clock.
import { describe, expect, test } from "bun:test";
import { VirtualClock } from "../../test/support/virtual-clock.ts";
import { silentLogger } from "../log/logger.ts";
import { announceReady } from "./service-manager.ts";

function recorder() {
  const sent: string[] = [];
  const open = () => ({
    send: (data: Uint8Array) => void sent.push(new TextDecoder().decode(data)),
    close: () => void sent.push("(closed)"),
  });
  return { sent, open };
}

describe("announceReady", () => {
  test("says READY=1, pings at half of WATCHDOG_USEC, and stops pinging once stopping", () => {
    const clock = new VirtualClock();
    const socket = recorder();
    const service = announceReady({
      env: { NOTIFY_SOCKET: "@n", WATCHDOG_USEC: "2000000", WATCHDOG_PID: "9" },
      logger: silentLogger,
      url: "http://127.0.0.1:9081",
      clock,
      pid: 9,
      open: socket.open,
    });
    clock.advance(2_500);
    service.stopping("SIGTERM");
    clock.advance(10_000);
    service.close();
    expect(socket.sent).toEqual([
      "READY=1\nSTATUS=serving http://127.0.0.1:9081",
      "WATCHDOG=1",
      "WATCHDOG=1",
      "STOPPING=1\nSTATUS=SIGTERM",
      "(closed)",
    ]);
    expect(clock.pending()).toEqual([]);
  });

  test("without NOTIFY_SOCKET it sends nothing and sets no timer, even with WATCHDOG_USEC", () => {
    const clock = new VirtualClock();
    const socket = recorder();
    const service = announceReady({
      env: { WATCHDOG_USEC: "2000000" },
      logger: silentLogger,
      url: "http://127.0.0.1:9081",
      clock,
      pid: 9,
      open: socket.open,
    });
    expect(clock.pending()).toEqual([]);
    service.stopping("SIGTERM");
    expect(socket.sent).toEqual([]);
  });
});
