// Tests of the IPC transport: addresses, stale files, header exchange, dial errors, big writes.
import { expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import {
  kindOf,
  linked,
  rawConnect,
  rawListen,
  str,
  tempDir,
  text,
} from "../../test/support/nng-kit.ts";
import { ReqSocket } from "../../test/support/nng-req/req-socket.ts";
import { waitFor } from "../../test/support/wait.ts";
import { encodeHeader, Protocol } from "./frame.ts";
import { ipcPath, MAX_IPC_PATH_BYTES } from "./ipc.ts";
import { PullSocket } from "./pull.ts";
import { PushSocket } from "./push.ts";
import { RepSocket } from "./rep.ts";

/** Starts a child process listening on `path`, then SIGKILLs it so the socket file stays. */
async function leaveStaleSocket(path: string): Promise<void> {
  const code = `Bun.listen({unix:${JSON.stringify(path)},socket:{data(){}}});console.log("ready")`;
  const child = Bun.spawn([process.execPath, "-e", code], { stdout: "pipe", stderr: "pipe" });
  const reader = child.stdout.getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value)).toContain("ready");
  child.kill("SIGKILL");
  expect(await child.exited).not.toBe(0);
}

test("accepts a 107-byte path and refuses 108 bytes with addrinval", async () => {
  using dir = tempDir();
  const path = (n: number) => `${dir.path}/${"p".repeat(n - dir.path.length - 1)}`;
  expect(Buffer.byteLength(path(MAX_IPC_PATH_BYTES))).toBe(107);
  await using rep = new RepSocket();
  await rep.listen(`ipc://${path(107)}`);
  expect(await kindOf(rep.listen(`ipc://${path(108)}`))).toBe("addrinval");
  expect(await kindOf(new ReqSocket().dial(`ipc://${path(108)}`))).toBe("addrinval");
});

test.each([["tcp://127.0.0.1:5555"], ["ipc://"], ["/tmp/plain.ipc"]])(
  "refuses the address %s with addrinval",
  async (url) => {
    expect(await kindOf(Promise.resolve().then(() => ipcPath(url)))).toBe("addrinval");
  },
);

test("removes a stale socket file left by a killed listener, and listens", async () => {
  using dir = tempDir();
  const path = `${dir.path}/stale.ipc`;
  await leaveStaleSocket(path);
  expect(existsSync(path)).toBe(true);
  await using rep = new RepSocket();
  await rep.listen(`ipc://${path}`);
  await using req = new ReqSocket();
  await req.dial(`ipc://${path}`);
  await req.send(text("after stale"));
  expect(str(await rep.recv())).toBe("after stale");
});

test("removes a regular file at the path, as NNG does", async () => {
  using dir = tempDir();
  writeFileSync(`${dir.path}/file.ipc`, "not a socket");
  await using pull = new PullSocket();
  await pull.listen(dir.url("file.ipc"));
  await using push = new PushSocket();
  expect(await kindOf(push.dial(dir.url("file.ipc")))).toBe("resolved");
});

test("fails with addrinuse when a live listener owns the path, and leaves it working", async () => {
  await using link = await linked(new RepSocket(), new ReqSocket());
  await using intruder = new RepSocket();
  expect(await kindOf(intruder.listen(link.url))).toBe("addrinuse");
  await link.dialer.send(text("still here"));
  expect(str(await link.listener.recv())).toBe("still here");
  // New connections still reach the owner, not a file the intruder left.
  await using late = new ReqSocket();
  expect(await kindOf(late.dial(link.url))).toBe("resolved");
});

test("removes the socket file on close", async () => {
  using dir = tempDir();
  const rep = new RepSocket();
  await rep.listen(dir.url("gone.ipc"));
  expect(existsSync(`${dir.path}/gone.ipc`)).toBe(true);
  await rep.close();
  expect(existsSync(`${dir.path}/gone.ipc`)).toBe(false);
});

test("fails a dial with connrefused for a missing file and for a stale one", async () => {
  using dir = tempDir();
  expect(await kindOf(new ReqSocket().dial(dir.url("none.ipc")))).toBe("connrefused");
  await leaveStaleSocket(`${dir.path}/stale.ipc`);
  expect(await kindOf(new ReqSocket().dial(dir.url("stale.ipc")))).toBe("connrefused");
});

test("fails a dial with protocol when the listener speaks another protocol", async () => {
  using dir = tempDir();
  const errors: string[] = [];
  await using pull = new PullSocket({ onPipeError: (e) => errors.push(e.kind) });
  await pull.listen(dir.url("pull.ipc"));
  expect(await kindOf(new ReqSocket().dial(dir.url("pull.ipc")))).toBe("protocol");
  await waitFor(() => errors.length > 0, "the listener to drop the REQ");
  expect(pull.pipeCount).toBe(0);
});

test("sends its header first and times out a dial when the listener never answers", async () => {
  using dir = tempDir();
  using silent = rawListen(`${dir.path}/silent.ipc`);
  const req = new ReqSocket({ handshakeTimeoutMs: 50 });
  expect(await kindOf(req.dial(dir.url("silent.ipc")))).toBe("timeout");
  // Our header went out at once, without waiting for the listener's.
  expect(silent.peers[0]?.received()).toEqual(encodeHeader(Protocol.req0));
});

test("sends its header at once and drops a peer that never answers it", async () => {
  using dir = tempDir();
  const errors: string[] = [];
  const options = {
    handshakeTimeoutMs: 50,
    onPipeError: (e: { kind: string }) => errors.push(e.kind),
  };
  await using rep = new RepSocket(options);
  await rep.listen(dir.url("rep.ipc"));
  const raw = await rawConnect(`${dir.path}/rep.ipc`);
  await waitFor(() => raw.received().length === 8, "the REP header");
  expect(raw.received()).toEqual(encodeHeader(Protocol.rep0));
  await waitFor(() => raw.isClosed(), "the REP to drop the silent peer");
  expect(errors).toEqual(["timeout"]);
});

test("carries 16 MiB messages through full socket buffers, in order", async () => {
  await using link = await linked(new PullSocket(), new PushSocket());
  const { listener: pull, dialer: push } = link;
  const sent = [randomBytes(16 << 20), randomBytes(16 << 20)];
  for (const message of sent) await push.send(message);
  for (const message of sent) expect(message.equals(await pull.recv())).toBe(true);
});

test("connects in the background once a listener appears", async () => {
  using dir = tempDir();
  await using push = new PushSocket({ reconnectMinMs: 5, sendTimeoutMs: 5_000 });
  await push.dial(dir.url("later.ipc"), { background: true });
  const sending = push.send(text("late"));
  await using pull = new PullSocket();
  await pull.listen(dir.url("later.ipc"));
  await sending;
  expect(str(await pull.recv())).toBe("late");
});
