// Self-tests of REQ0: ids on the wire, stale replies, timeouts, connection drops and resend.
import { describe, expect, test } from "bun:test";
import { encodeFrame, encodeHeader, Protocol } from "../src/nng/frame.ts";
import { RepSocket } from "../src/nng/rep.ts";
import { kindOf, linked, rawListen, str, tempDir, text } from "./support/nng-kit.ts";
import { ReqSocket } from "./support/nng-req/req-socket.ts";
import {
  encodeRequestId,
  nextRequestId,
  randomRequestId,
  readRequestId,
} from "./support/nng-req/request-id.ts";
import { waitFor } from "./support/wait.ts";

test("throws a state error when REQ receives with nothing outstanding", async () => {
  await using req = new ReqSocket();
  expect(await kindOf(req.recv())).toBe("state");
});

test("times out recv on both sides with a typed error", async () => {
  const rep = new RepSocket({ recvTimeoutMs: 20 });
  await using link = await linked(rep, new ReqSocket({ recvTimeoutMs: 20 }));
  const { dialer: req } = link;
  expect(await kindOf(rep.recv())).toBe("timeout");
  await req.send(text("q"));
  expect(await kindOf(req.recv())).toBe("timeout");
  // A timed-out request is abandoned, as in NNG.
  expect(await kindOf(req.recv())).toBe("state");
});

test("discards a stale reply of an abandoned request", async () => {
  await using link = await linked(new RepSocket(), new ReqSocket());
  const { listener: rep, dialer: req } = link;
  await req.send(text("first"));
  await req.send(text("second"));
  expect(str(await rep.recv())).toBe("first");
  await rep.send(text("stale"));
  expect(str(await rep.recv())).toBe("second");
  await rep.send(text("fresh"));
  expect(str(await req.recv())).toBe("fresh");
});

test("sends ids with bit 31 set, +1 per request, and ignores replies with other ids", async () => {
  using dir = tempDir();
  using raw = rawListen(`${dir.path}/raw.ipc`);
  await using req = new ReqSocket();
  const dialed = req.dial(dir.url("raw.ipc"));
  await waitFor(() => raw.peers.length === 1, "the REQ to connect");
  const peer = raw.peers[0];
  if (!peer) throw new Error("no peer");
  peer.write(encodeHeader(Protocol.rep0));
  await dialed;
  await req.send(text("one"));
  await req.send(text("two"));
  await waitFor(() => peer.frames().length === 2, "two requests");
  const [one, two] = peer.frames().map((f) => new DataView(f.buffer, f.byteOffset).getUint32(0));
  expect(one !== undefined && one >= 0x80000000).toBe(true);
  expect(two).toBe(nextRequestId(one ?? 0));
  peer.write(encodeFrame(encodeRequestId(one ?? 0), text("old")));
  peer.write(encodeFrame(encodeRequestId(two ?? 0), text("new")));
  expect(str(await req.recv())).toBe("new");
});

test("fails REQ recv with connreset when the connection drops and resend is off", async () => {
  await using link = await linked(new RepSocket(), new ReqSocket());
  const { listener: rep, dialer: req } = link;
  await req.send(text("q"));
  await rep.recv();
  const reply = req.recv();
  await rep.close();
  expect(await kindOf(reply)).toBe("connreset");
});

test("resends on a new connection after the listener restarts, when resend is on", async () => {
  const req = new ReqSocket({ resendMs: 60_000, reconnectMinMs: 10 });
  await using link = await linked(new RepSocket(), req, { reconnect: true });
  const { listener: first } = link;
  await req.send(text("q"));
  expect(str(await first.recv())).toBe("q");
  await first.close();
  await using second = new RepSocket();
  await second.listen(link.url);
  expect(str(await second.recv())).toBe("q");
  await second.send(text("answer"));
  expect(str(await req.recv())).toBe("answer");
});

test("resends an unanswered request after resendMs, with the same id", async () => {
  await using link = await linked(new RepSocket(), new ReqSocket({ resendMs: 30 }));
  const { listener: rep, dialer: req } = link;
  await req.send(text("q"));
  expect(str(await rep.recv())).toBe("q");
  expect(str(await rep.recv())).toBe("q");
  await rep.send(text("answer"));
  expect(str(await req.recv())).toBe("answer");
});

const hex = (s: string) => Uint8Array.from(s.split(/\s+/).filter(Boolean), (b) => parseInt(b, 16));

describe("request ids", () => {
  test("reads a reply id, or nothing from a reply under 4 bytes", () => {
    expect(readRequestId(hex("b4 6e 6e aa 6f 6b"))).toBe(0xb46e6eaa);
    expect(readRequestId(hex("b4 6e 6e"))).toBe(undefined);
  });

  test("keeps bit 31 set when the id wraps", () => {
    expect(nextRequestId(0xa5dc0084)).toBe(0xa5dc0085);
    expect(nextRequestId(0xffffffff)).toBe(0x80000000);
  });

  test("picks random first ids in 0x80000000..0xffffffff", () => {
    for (let i = 0; i < 100; i++) {
      const id = randomRequestId();
      expect(id >= 0x80000000 && id <= 0xffffffff).toBe(true);
    }
  });
});
