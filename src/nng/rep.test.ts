// Self-tests of REP0: our REQ against our REP, several peers, state rules, dropped peers.
import { expect, test } from "bun:test";
import { kindOf, rawConnect, tempDir } from "../../test/support/nng-kit.ts";
import { waitFor } from "../../test/support/wait.ts";
import { encodeFrame, encodeHeader, Protocol } from "./frame.ts";
import { RepSocket } from "./rep.ts";
import { ReqSocket } from "./req.ts";

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

test("Should answer requests over several rounds", async () => {
  using dir = tempDir();
  await using rep = new RepSocket();
  await rep.listen(dir.url("rep.ipc"));
  await using req = new ReqSocket();
  await req.dial(dir.url("rep.ipc"));
  for (let i = 0; i < 5; i++) {
    await req.send(text(`ping ${i}`));
    expect(str(await rep.recv())).toBe(`ping ${i}`);
    await rep.send(text(`pong ${i}`));
    expect(str(await req.recv())).toBe(`pong ${i}`);
  }
});

test("Should answer each of several peers on its own connection (restarted plugin plus orphan)", async () => {
  using dir = tempDir();
  await using rep = new RepSocket();
  await rep.listen(dir.url("rep.ipc"));
  await using orphan = new ReqSocket();
  await using fresh = new ReqSocket();
  await orphan.dial(dir.url("rep.ipc"));
  await fresh.dial(dir.url("rep.ipc"));
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

test("Should forget an unanswered request when recv is called again", async () => {
  using dir = tempDir();
  await using rep = new RepSocket();
  await rep.listen(dir.url("rep.ipc"));
  await using a = new ReqSocket({ recvTimeoutMs: 50 });
  await using b = new ReqSocket();
  await a.dial(dir.url("rep.ipc"));
  await b.dial(dir.url("rep.ipc"));
  await a.send(text("a"));
  expect(str(await rep.recv())).toBe("a");
  await b.send(text("b"));
  expect(str(await rep.recv())).toBe("b");
  await rep.send(text("for b"));
  expect(str(await b.recv())).toBe("for b");
  expect(await kindOf(a.recv())).toBe("timeout");
});

test("Should throw a state error when REP sends without a request, or twice", async () => {
  using dir = tempDir();
  await using rep = new RepSocket();
  await rep.listen(dir.url("rep.ipc"));
  expect(await kindOf(rep.send(text("x")))).toBe("state");
  await using req = new ReqSocket();
  await req.dial(dir.url("rep.ipc"));
  await req.send(text("q"));
  await rep.recv();
  await rep.send(text("r"));
  expect(await kindOf(rep.send(text("r again")))).toBe("state");
});

test("Should drop a reply to a connection that has closed, and still succeed", async () => {
  using dir = tempDir();
  await using rep = new RepSocket();
  await rep.listen(dir.url("rep.ipc"));
  const req = new ReqSocket();
  await req.dial(dir.url("rep.ipc"));
  await req.send(text("q"));
  await rep.recv();
  await req.close();
  await waitFor(() => rep.pipeCount === 0, "the REP to see the peer leave");
  expect(await kindOf(rep.send(text("lost")))).toBe("resolved");
});

test("Should reject waiting calls with closed when the socket closes", async () => {
  const rep = new RepSocket();
  const waiting = rep.recv();
  await rep.close();
  expect(await kindOf(waiting)).toBe("closed");
  expect(await kindOf(rep.recv())).toBe("closed");
  expect(await kindOf(rep.listen("ipc:///tmp/never.ipc"))).toBe("closed");
});

test("Should drop a peer that sends a request without an id, and keep serving others", async () => {
  using dir = tempDir();
  const errors: string[] = [];
  await using rep = new RepSocket({ onPipeError: (err) => errors.push(err.kind) });
  await rep.listen(dir.url("rep.ipc"));
  const raw = await rawConnect(`${dir.path}/rep.ipc`);
  raw.write(encodeHeader(Protocol.req0));
  raw.write(encodeFrame(text("no id")));
  await waitFor(() => raw.isClosed(), "the REP to drop the raw peer");
  expect(errors).toEqual(["protocol"]);
  await using req = new ReqSocket();
  await req.dial(dir.url("rep.ipc"));
  await req.send(text("ok?"));
  expect(str(await rep.recv())).toBe("ok?");
});

test("Should drop a peer whose frame exceeds maxRecvSize", async () => {
  using dir = tempDir();
  const errors: string[] = [];
  await using rep = new RepSocket({ maxRecvSize: 1024, onPipeError: (e) => errors.push(e.kind) });
  await rep.listen(dir.url("rep.ipc"));
  await using req = new ReqSocket();
  await req.dial(dir.url("rep.ipc"));
  await req.send(new Uint8Array(1021));
  await waitFor(() => errors.length > 0, "the REP to drop the peer");
  expect(errors).toEqual(["toolarge"]);
  expect(await kindOf(req.recv())).toBe("connreset");
});
