// sd_notify over a real unix datagram socket: path and abstract addresses, and socat as a peer.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eachLine } from "../src/install/run-script.ts";
import { silentLogger } from "../src/log/logger.ts";
import { openDatagramSender } from "../src/systemd/libc.ts";
import { createNotifier } from "../src/systemd/notifier.ts";
import { notifyAddress } from "../src/systemd/notify-address.ts";
import { startNotifyReceiver } from "./support/notify-receiver.ts";
import { waitFor } from "./support/wait.ts";

describe("sd_notify through libc", () => {
  test.each([
    ["a file system path", "path"],
    ["an abstract name", "abstract"],
  ] as const)("READY=1, WATCHDOG=1 and STOPPING=1 reach a socket bound at %s", async (_, kind) => {
    await using receiver = await startNotifyReceiver(kind);
    const notifier = createNotifier({ NOTIFY_SOCKET: receiver.address }, { logger: silentLogger });
    notifier.ready("serving http://127.0.0.1:1");
    notifier.watchdog();
    notifier.stopping("SIGTERM");
    notifier.close();
    await receiver.next("STOPPING=1");
    expect(receiver.messages).toEqual([
      "READY=1\nSTATUS=serving http://127.0.0.1:1",
      "WATCHDOG=1",
      "STOPPING=1\nSTATUS=SIGTERM",
    ]);
  });

  test("sending to a socket nobody has bound fails with the errno", () => {
    const dir = mkdtempSync(join(tmpdir(), "plugd-notify-"));
    try {
      const sender = openDatagramSender(notifyAddress(join(dir, "nobody")));
      expect(() => sender.send(new TextEncoder().encode("READY=1"))).toThrow(
        "sendto($NOTIFY_SOCKET) failed with errno 2",
      );
      sender.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const socat = Bun.which("socat");
  if (!socat)
    console.warn("skipping the socat test: socat is not installed (apt-get install socat)");
  test.skipIf(!socat)(
    "socat, an independent peer, receives the datagrams at an abstract address",
    async () => {
      const name = `plugd-socat-${process.pid}`;
      const proc = Bun.spawn([socat ?? "socat", "-u", `ABSTRACT-RECV:${name}`, "STDOUT"], {
        stdout: "pipe",
        stderr: "pipe",
      });
      try {
        // socat binds shortly after it starts; send until a datagram stops being refused.
        const sender = openDatagramSender(notifyAddress(`@${name}`));
        await waitFor(() => {
          try {
            sender.send(new TextEncoder().encode("READY=1\n"));
            return true;
          } catch {
            return false;
          }
        }, "socat to bind its socket");
        sender.send(new TextEncoder().encode("WATCHDOG=1\n"));
        sender.close();
        const lines: string[] = [];
        const reading = eachLine(proc.stdout, (line) => lines.push(line));
        await waitFor(() => lines.length >= 2, "socat to print both datagrams");
        expect(lines).toEqual(["READY=1", "WATCHDOG=1"]);
        proc.kill();
        await reading;
      } finally {
        proc.kill();
        await proc.exited;
      }
    },
  );
});
