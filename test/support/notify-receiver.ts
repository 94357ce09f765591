// A real unix datagram socket for sd_notify tests, in a child process; collects what arrives.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eachLine } from "../../src/install/run-script.ts";
import { waitFor } from "./wait.ts";

export interface NotifyReceiver extends AsyncDisposable {
  /** The value for $NOTIFY_SOCKET: a path, or "@name" for the abstract namespace. */
  readonly address: string;
  /** Every datagram received so far, as text. */
  readonly messages: string[];
  /** Resolves with the first datagram, held or new, that contains `text`. */
  next(text: string, timeoutMs?: number): Promise<string>;
}

/** Binds a datagram socket at a fresh path (or abstract name) and waits until it is bound. */
export async function startNotifyReceiver(
  kind: "path" | "abstract" = "path",
): Promise<NotifyReceiver> {
  const dir = mkdtempSync(join(tmpdir(), "plugd-notify-"));
  const address =
    kind === "path" ? join(dir, "notify") : `@plugd-test-${process.pid}-${crypto.randomUUID()}`;
  const proc = Bun.spawn(
    [process.execPath, join(import.meta.dir, "notify-receiver-fixture.ts"), address],
    { stdin: "ignore", stdout: "pipe", stderr: "pipe" },
  );
  const messages: string[] = [];
  let bound = false;
  const reading = eachLine(proc.stdout, (line) => {
    const parsed = JSON.parse(line) as { bound?: string; message?: string };
    if (parsed.bound !== undefined) bound = true;
    if (parsed.message !== undefined) messages.push(parsed.message);
  });
  await waitFor(() => bound || proc.exitCode !== null, "the notify socket to be bound");
  if (!bound) throw new Error(`notify receiver failed: ${await new Response(proc.stderr).text()}`);
  const next = async (text: string, timeoutMs = 10_000) => {
    await waitFor(
      () => messages.some((m) => m.includes(text)),
      `a datagram with ${text}`,
      timeoutMs,
    );
    return messages.find((m) => m.includes(text)) ?? "";
  };
  return {
    address,
    messages,
    next,
    [Symbol.asyncDispose]: async () => {
      proc.kill();
      await Promise.all([proc.exited, reading]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
