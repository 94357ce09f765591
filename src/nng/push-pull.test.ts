// Self-tests of PUSH0/PULL0: round-robin, fair queueing, waiting for peers, reconnects.
import { expect, test } from "bun:test";
import {
  connectionsBefore,
  kindOf,
  linked,
  rawListen,
  str,
  tempDir,
  text,
} from "../../test/support/nng-kit.ts";
import { waitFor } from "../../test/support/wait.ts";
import { encodeHeader, Protocol } from "./frame.ts";
import { PullSocket } from "./pull.ts";
import { PushSocket } from "./push.ts";

test("delivers messages in order from a pusher to a listening puller", async () => {
  await using link = await linked(new PullSocket(), new PushSocket());
  const { listener: pull, dialer: push } = link;
  for (let i = 0; i < 20; i++) await push.send(text(`m${i}`));
  for (let i = 0; i < 20; i++) expect(str(await pull.recv())).toBe(`m${i}`);
});

test("sends a batch in one write, each message whole and in order", async () => {
  await using link = await linked(new PullSocket(), new PushSocket());
  const { listener: pull, dialer: push } = link;
  await push.sendAll(Array.from({ length: 50 }, (_, i) => text(`b${i}`)));
  await push.sendAll([]);
  await push.send(text("after"));
  for (let i = 0; i < 50; i++) expect(str(await pull.recv())).toBe(`b${i}`);
  expect(str(await pull.recv())).toBe("after");
});

test("round-robins between connected pullers", async () => {
  await using link = await linked(new PushSocket(), new PullSocket());
  const { listener: push, dialer: a } = link;
  await using b = new PullSocket();
  await b.dial(link.url);
  await waitFor(() => push.pipeCount === 2, "both pullers to connect");
  for (let i = 0; i < 4; i++) await push.send(text(`m${i}`));
  const got = [str(await a.recv()), str(await a.recv()), str(await b.recv()), str(await b.recv())];
  expect(got.sort()).toEqual(["m0", "m1", "m2", "m3"]);
});

test("receives from several pushers", async () => {
  await using link = await linked(new PullSocket(), new PushSocket());
  const { listener: pull, dialer: a } = link;
  await using b = new PushSocket();
  await b.dial(link.url);
  for (let i = 0; i < 5; i++) await a.send(text(`a${i}`));
  await b.send(text("b0"));
  const got = await Promise.all(Array.from({ length: 6 }, () => pull.recv()));
  expect(got.map(str).sort()).toEqual(["a0", "a1", "a2", "a3", "a4", "b0"]);
});

test("times out a send with no puller connected", async () => {
  await using push = new PushSocket({ sendTimeoutMs: 20 });
  expect(await kindOf(push.send(text("nobody")))).toBe("timeout");
});

test("waits in send until a puller connects", async () => {
  using dir = tempDir();
  await using push = new PushSocket();
  await push.listen(dir.url("push.ipc"));
  const sending = push.send(text("waited"));
  await using pull = new PullSocket();
  await pull.dial(dir.url("push.ipc"));
  await sending;
  expect(str(await pull.recv())).toBe("waited");
});

test("times out a recv with nothing to receive", async () => {
  await using pull = new PullSocket({ recvTimeoutMs: 20 });
  expect(await kindOf(pull.recv())).toBe("timeout");
  expect(await kindOf(pull.recv({ timeoutMs: 0 }))).toBe("timeout");
});

test("still delivers messages from a pusher that has disconnected", async () => {
  await using link = await linked(new PullSocket(), new PushSocket());
  const { listener: pull, dialer: push } = link;
  await push.send(text("last words"));
  await waitFor(() => pull.pipeCount === 1, "the puller to see the pusher");
  await push.close();
  await waitFor(() => pull.pipeCount === 0, "the puller to see the pusher leave");
  expect(str(await pull.recv())).toBe("last words");
});

test("redials with back-off when the listener restarts, when asked", async () => {
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

test("does not redial when reconnect is off", async () => {
  using dir = tempDir();
  const path = `${dir.path}/pull.ipc`;
  // A raw listener keeps listening after it hangs up on the pusher, so a redial would
  // connect, and it records connections in the order they come.
  using listener = rawListen(path);
  await using push = new PushSocket({ reconnectMinMs: 1 });
  const dialed = push.dial(`ipc://${path}`);
  await waitFor(() => listener.peers.length === 1, "the first connection");
  listener.peers[0]?.write(encodeHeader(Protocol.pull0));
  await dialed;
  listener.peers[0]?.close();
  await waitFor(() => push.pipeCount === 0, "the pusher to see the drop");
  // A redial is a timer of reconnectMinMs set at the drop, so it fires before this one and
  // its connect comes before the probe's: only the first connection may precede the probe.
  await new Promise((resolve) => setTimeout(resolve, 1));
  expect(await connectionsBefore(listener, path)).toBe(1);
  expect(push.pipeCount).toBe(0);
  expect(await kindOf(push.send(text("nobody"), { timeoutMs: 0 }))).toBe("timeout");
});
