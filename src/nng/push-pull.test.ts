// Self-tests of PUSH0/PULL0: round-robin, fair queueing, waiting for peers, reconnects.
import { expect, test } from "bun:test";
import { kindOf, tempDir } from "../../test/support/nng-kit.ts";
import { waitFor } from "../../test/support/wait.ts";
import { PullSocket } from "./pull.ts";
import { PushSocket } from "./push.ts";

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

test("Should deliver messages in order from a pusher to a listening puller", async () => {
  using dir = tempDir();
  await using pull = new PullSocket();
  await pull.listen(dir.url("pull.ipc"));
  await using push = new PushSocket();
  await push.dial(dir.url("pull.ipc"));
  for (let i = 0; i < 20; i++) await push.send(text(`m${i}`));
  for (let i = 0; i < 20; i++) expect(str(await pull.recv())).toBe(`m${i}`);
});

test("Should round-robin between connected pullers", async () => {
  using dir = tempDir();
  await using push = new PushSocket();
  await push.listen(dir.url("push.ipc"));
  await using a = new PullSocket();
  await using b = new PullSocket();
  await a.dial(dir.url("push.ipc"));
  await b.dial(dir.url("push.ipc"));
  await waitFor(() => push.pipeCount === 2, "both pullers to connect");
  for (let i = 0; i < 4; i++) await push.send(text(`m${i}`));
  const got = [str(await a.recv()), str(await a.recv()), str(await b.recv()), str(await b.recv())];
  expect(got.sort()).toEqual(["m0", "m1", "m2", "m3"]);
});

test("Should receive from several pushers", async () => {
  using dir = tempDir();
  await using pull = new PullSocket();
  await pull.listen(dir.url("pull.ipc"));
  await using a = new PushSocket();
  await using b = new PushSocket();
  await a.dial(dir.url("pull.ipc"));
  await b.dial(dir.url("pull.ipc"));
  for (let i = 0; i < 5; i++) await a.send(text(`a${i}`));
  await b.send(text("b0"));
  const got = await Promise.all(Array.from({ length: 6 }, () => pull.recv()));
  expect(got.map(str).sort()).toEqual(["a0", "a1", "a2", "a3", "a4", "b0"]);
});

test("Should time out a send with no puller connected", async () => {
  await using push = new PushSocket({ sendTimeoutMs: 20 });
  expect(await kindOf(push.send(text("nobody")))).toBe("timeout");
});

test("Should wait in send until a puller connects", async () => {
  using dir = tempDir();
  await using push = new PushSocket();
  await push.listen(dir.url("push.ipc"));
  const sending = push.send(text("waited"));
  await using pull = new PullSocket();
  await pull.dial(dir.url("push.ipc"));
  await sending;
  expect(str(await pull.recv())).toBe("waited");
});

test("Should time out a recv with nothing to receive", async () => {
  await using pull = new PullSocket({ recvTimeoutMs: 20 });
  expect(await kindOf(pull.recv())).toBe("timeout");
  expect(await kindOf(pull.recv({ timeoutMs: 0 }))).toBe("timeout");
});

test("Should still deliver messages from a pusher that has disconnected", async () => {
  using dir = tempDir();
  await using pull = new PullSocket();
  await pull.listen(dir.url("pull.ipc"));
  const push = new PushSocket();
  await push.dial(dir.url("pull.ipc"));
  await push.send(text("last words"));
  await waitFor(() => pull.pipeCount === 1, "the puller to see the pusher");
  await push.close();
  await waitFor(() => pull.pipeCount === 0, "the puller to see the pusher leave");
  expect(str(await pull.recv())).toBe("last words");
});

test("Should redial with back-off when the listener restarts, when asked", async () => {
  using dir = tempDir();
  const errors: string[] = [];
  const first = new PullSocket();
  await first.listen(dir.url("pull.ipc"));
  await using push = new PushSocket({ reconnectMinMs: 5, onPipeError: (e) => errors.push(e.kind) });
  await push.dial(dir.url("pull.ipc"), { reconnect: true });
  await waitFor(() => first.pipeCount === 1, "the first connection");
  await first.close();
  await waitFor(() => push.pipeCount === 0, "the pusher to see the drop");
  await waitFor(() => errors.length >= 2, "a few failed redials");
  expect(errors.every((kind) => kind === "connrefused")).toBe(true);
  await using second = new PullSocket();
  await second.listen(dir.url("pull.ipc"));
  await push.send(text("after restart"));
  expect(str(await second.recv())).toBe("after restart");
});

test("Should not redial when reconnect is off", async () => {
  using dir = tempDir();
  const first = new PullSocket();
  await first.listen(dir.url("pull.ipc"));
  await using push = new PushSocket({ reconnectMinMs: 1, sendTimeoutMs: 100 });
  await push.dial(dir.url("pull.ipc"));
  await waitFor(() => first.pipeCount === 1, "the first connection");
  await first.close();
  await waitFor(() => push.pipeCount === 0, "the pusher to see the drop");
  await using second = new PullSocket();
  await second.listen(dir.url("pull.ipc"));
  expect(await kindOf(push.send(text("nobody")))).toBe("timeout");
});
