// Self-tests of REP0: our REQ against our REP, several peers, state rules, dropped peers.
import { expect, test } from "bun:test";
import { kindOf, linked, rawConnect, str, text } from "../../test/support/nng-kit.ts";
import { ReqSocket } from "../../test/support/nng-req/req-socket.ts";
import { encodeRequestId } from "../../test/support/nng-req/request-id.ts";
import { waitFor } from "../../test/support/wait.ts";
import { encodeFrame, encodeHeader, Protocol } from "./frame.ts";
import { RepSocket } from "./rep.ts";

test("answers requests over several rounds", async () => {
  await using link = await linked(new RepSocket(), new ReqSocket());
  const { listener: rep, dialer: req } = link;
  for (let i = 0; i < 5; i++) {
    await req.send(text(`ping ${i}`));
    expect(str(await rep.recv())).toBe(`ping ${i}`);
    await rep.send(text(`pong ${i}`));
    expect(str(await req.recv())).toBe(`pong ${i}`);
  }
});

test("answers each of several peers on its own connection (restarted plugin plus orphan)", async () => {
  await using link = await linked(new RepSocket(), new ReqSocket());
  const { listener: rep, dialer: orphan } = link;
  await using fresh = new ReqSocket();
  await fresh.dial(link.url);
  await orphan.send(text("orphan"));
  await fresh.send(text("fresh"));
  const first = str(await rep.recv());
  await rep.send(text(`to ${first}`));
  const second = str(await rep.recv());
  await rep.send(text(`to ${second}`));
  expect([first, second].sort()).toEqual(["fresh", "orphan"]);
  expect(str(await orphan.recv())).toBe("to orphan");
  expect(str(await fresh.recv())).toBe("to fresh");
});

test("forgets an unanswered request when recv is called again", async () => {
  await using link = await linked(new RepSocket(), new ReqSocket());
  const { listener: rep, dialer: b } = link;
  // A raw REQ peer sees every byte REP writes to it, in order, stale replies included.
  const a = await rawConnect(link.path);
  a.write(encodeHeader(Protocol.req0));
  a.write(encodeFrame(encodeRequestId(0x80000001), text("a")));
  expect(str(await rep.recv())).toBe("a");
  await b.send(text("b"));
  expect(str(await rep.recv())).toBe("b");
  await rep.send(text("for b"));
  expect(str(await b.recv())).toBe("for b");
  // A later request from the same peer: its answer must be the first frame the peer gets,
  // so nothing was ever sent for the forgotten one.
  a.write(encodeFrame(encodeRequestId(0x80000002), text("a again")));
  expect(str(await rep.recv())).toBe("a again");
  await rep.send(text("for a again"));
  await waitFor(() => a.frames().length > 0, "the answer to the later request");
  expect(a.frames()).toEqual([
    Uint8Array.from([...encodeRequestId(0x80000002), ...text("for a again")]),
  ]);
  a.close();
});

test("throws a state error when REP sends without a request, or twice", async () => {
  await using rep = new RepSocket();
  expect(await kindOf(rep.send(text("x")))).toBe("state");
  await using link = await linked(rep, new ReqSocket());
  const { dialer: req } = link;
  await req.send(text("q"));
  await rep.recv();
  await rep.send(text("r"));
  expect(await kindOf(rep.send(text("r again")))).toBe("state");
});

test("drops a reply to a connection that has closed, and still succeeds", async () => {
  await using link = await linked(new RepSocket(), new ReqSocket());
  const { listener: rep, dialer: req } = link;
  await req.send(text("q"));
  await rep.recv();
  await req.close();
  await waitFor(() => rep.pipeCount === 0, "the REP to see the peer leave");
  expect(await kindOf(rep.send(text("lost")))).toBe("resolved");
});

test("rejects waiting calls with closed when the socket closes", async () => {
  const rep = new RepSocket();
  const waiting = rep.recv();
  await rep.close();
  expect(await kindOf(waiting)).toBe("closed");
  expect(await kindOf(rep.recv())).toBe("closed");
  expect(await kindOf(rep.listen("ipc:///tmp/never.ipc"))).toBe("closed");
});

test("drops a peer that sends a request without an id, and keeps serving others", async () => {
  const errors: string[] = [];
  const rep = new RepSocket({ onPipeError: (err) => errors.push(err.kind) });
  await using link = await linked(rep, new ReqSocket());
  const raw = await rawConnect(link.path);
  raw.write(encodeHeader(Protocol.req0));
  raw.write(encodeFrame(text("no id")));
  await waitFor(() => raw.isClosed(), "the REP to drop the raw peer");
  expect(errors).toEqual(["protocol"]);
  await link.dialer.send(text("ok?"));
  expect(str(await rep.recv())).toBe("ok?");
});

test("drops a peer whose frame exceeds maxRecvSize", async () => {
  const errors: string[] = [];
  const rep = new RepSocket({ maxRecvSize: 1024, onPipeError: (e) => errors.push(e.kind) });
  await using link = await linked(rep, new ReqSocket());
  const { dialer: req } = link;
  await req.send(new Uint8Array(1021));
  await waitFor(() => errors.length > 0, "the REP to drop the peer");
  expect(errors).toEqual(["toolarge"]);
  expect(await kindOf(req.recv())).toBe("connreset");
});
