// Interop of our SP sockets with the real libnng (1.5.x), each libnng peer in its own process.
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { PullSocket } from "../src/nng/pull.ts";
import { PushSocket } from "../src/nng/push.ts";
import { RepSocket } from "../src/nng/rep.ts";
import { libnngPath } from "./support/libnng.ts";
import { LibnngPeer } from "./support/libnng-peer.ts";
import { kindOf, str, tempDir, text } from "./support/nng-kit.ts";
import { ReqSocket } from "./support/nng-req/req-socket.ts";
import { waitFor } from "./support/wait.ts";

const missing = libnngPath() === undefined;
if (missing) {
  console.warn(
    "skipping the libnng interop tests: libnng1 is not installed (apt-get install -y libnng1)",
  );
}

/** libnng's reconnect back-off, shortened so restarts are quick. */
const fastRedial = { "reconnect-time-min": 10, "reconnect-time-max": 100 };

describe.skipIf(missing)("interop with libnng", () => {
  test("answers a libnng REQ from our REP listener over several rounds", async () => {
    using dir = tempDir();
    await using rep = new RepSocket({ recvTimeoutMs: 5_000 });
    await rep.listen(dir.url("ctl.ipc"));
    await using req = await LibnngPeer.start({
      role: "req",
      mode: "dial",
      url: dir.url("ctl.ipc"),
    });
    for (const round of ["handshake", "ok", "ok again"]) {
      await req.send(text(round));
      expect(str(await rep.recv())).toBe(round);
      const reply = req.recv();
      await rep.send(text(`command after ${round}`));
      // libnng only accepts a reply whose id matches its request: this proves the echo.
      expect(str(await reply)).toBe(`command after ${round}`);
    }
  });

  test("answers two libnng REQ peers each on its own connection", async () => {
    using dir = tempDir();
    await using rep = new RepSocket({ recvTimeoutMs: 5_000 });
    await rep.listen(dir.url("ctl.ipc"));
    await using orphan = await LibnngPeer.start({
      role: "req",
      mode: "dial",
      url: dir.url("ctl.ipc"),
    });
    await using fresh = await LibnngPeer.start({
      role: "req",
      mode: "dial",
      url: dir.url("ctl.ipc"),
    });
    await orphan.send(text("orphan"));
    await fresh.send(text("fresh"));
    const bodies: string[] = [];
    for (let i = 0; i < 2; i++) {
      bodies.push(str(await rep.recv()));
      await rep.send(text(`to ${bodies[i]}`));
    }
    expect(bodies.sort()).toEqual(["fresh", "orphan"]);
    expect(str(await orphan.recv())).toBe("to orphan");
    expect(str(await fresh.recv())).toBe("to fresh");
  });

  test("gets replies from a libnng REP to our REQ", async () => {
    using dir = tempDir();
    await using rep = await LibnngPeer.start({
      role: "rep",
      mode: "listen",
      url: dir.url("f.ipc"),
    });
    await using req = new ReqSocket({ recvTimeoutMs: 5_000 });
    await req.dial(dir.url("f.ipc"));
    for (let i = 0; i < 3; i++) {
      await req.send(text(`call ${i}`));
      expect(str(await rep.recv())).toBe(`call ${i}`);
      await rep.send(text(`result ${i}`));
      expect(str(await req.recv())).toBe(`result ${i}`);
    }
  });

  test("receives on our PULL listener what a libnng PUSH sends", async () => {
    using dir = tempDir();
    await using pull = new PullSocket({ recvTimeoutMs: 5_000 });
    await pull.listen(dir.url("src.ipc"));
    await using push = await LibnngPeer.start({
      role: "push",
      mode: "dial",
      url: dir.url("src.ipc"),
    });
    for (let i = 0; i < 5; i++) await push.send(text(`{"message":{"n":${i}}}`));
    for (let i = 0; i < 5; i++) expect(str(await pull.recv())).toBe(`{"message":{"n":${i}}}`);
  });

  test("delivers from our PUSH to a libnng PULL listener", async () => {
    using dir = tempDir();
    await using pull = await LibnngPeer.start({
      role: "pull",
      mode: "listen",
      url: dir.url("k.ipc"),
    });
    await using push = new PushSocket({ sendTimeoutMs: 5_000 });
    await push.dial(dir.url("k.ipc"));
    for (let i = 0; i < 5; i++) await push.send(text(`row ${i}`));
    for (let i = 0; i < 5; i++) expect(str(await pull.recv())).toBe(`row ${i}`);
  });

  test("serves a libnng REQ again after our REP restarts on the same path", async () => {
    using dir = tempDir();
    const first = new RepSocket({ recvTimeoutMs: 5_000 });
    await first.listen(dir.url("ctl.ipc"));
    const spec = { role: "req", mode: "dial", url: dir.url("ctl.ipc"), ms: fastRedial } as const;
    await using req = await LibnngPeer.start(spec);
    await req.send(text("before"));
    expect(str(await first.recv())).toBe("before");
    await first.close();
    await using second = new RepSocket({ recvTimeoutMs: 5_000 });
    await second.listen(dir.url("ctl.ipc"));
    // libnng REQ resends its pending request on the new connection (resend is on by default).
    expect(str(await second.recv())).toBe("before");
    const reply = req.recv();
    await second.send(text("answer"));
    expect(str(await reply)).toBe("answer");
  });

  test("redials a restarted libnng REP when asked to reconnect", async () => {
    using dir = tempDir();
    const url = dir.url("f.ipc");
    const first = await LibnngPeer.start({ role: "rep", mode: "listen", url });
    await using req = new ReqSocket({ recvTimeoutMs: 5_000, reconnectMinMs: 10 });
    await req.dial(url, { reconnect: true });
    await first.kill();
    await waitFor(() => req.pipeCount === 0, "our REQ to see the drop");
    // SIGKILL left the socket file behind; the new libnng listener removes it.
    expect(existsSync(`${dir.path}/f.ipc`)).toBe(true);
    await using second = await LibnngPeer.start({ role: "rep", mode: "listen", url });
    await req.send(text("again"));
    expect(str(await second.recv())).toBe("again");
    await second.send(text("ok"));
    expect(str(await req.recv())).toBe("ok");
  });

  test("drops a libnng peer of the wrong protocol and keeps serving", async () => {
    using dir = tempDir();
    const errors: string[] = [];
    await using rep = new RepSocket({ onPipeError: (e) => errors.push(e.kind) });
    await rep.listen(dir.url("ctl.ipc"));
    // libnng 1.5.2's blocking dial reports success here and then redials in the background:
    // what matters is that we drop every such connection and never hand it a message.
    const wrong = await LibnngPeer.start({ role: "push", mode: "dial", url: dir.url("ctl.ipc") });
    await waitFor(() => errors.length > 0, "our REP to drop the PUSH");
    await wrong.kill();
    expect(errors.every((kind) => kind === "protocol")).toBe(true);
    expect(rep.pipeCount).toBe(0);
    await using req = await LibnngPeer.start({
      role: "req",
      mode: "dial",
      url: dir.url("ctl.ipc"),
    });
    await req.send(text("right protocol"));
    expect(str(await rep.recv())).toBe("right protocol");
  });

  test("fails our dial with protocol against a libnng listener of another protocol", async () => {
    using dir = tempDir();
    await using _pull = await LibnngPeer.start({
      role: "pull",
      mode: "listen",
      url: dir.url("p.ipc"),
    });
    await using req = new ReqSocket();
    expect(await kindOf(req.dial(dir.url("p.ipc")))).toBe("protocol");
  });

  test("carries a 2 MiB message both ways between libnng REQ and our REP", async () => {
    using dir = tempDir();
    await using rep = new RepSocket({ recvTimeoutMs: 10_000 });
    await rep.listen(dir.url("big.ipc"));
    await using req = await LibnngPeer.start({
      role: "req",
      mode: "dial",
      url: dir.url("big.ipc"),
    });
    const big = (seed: number) => Uint8Array.from({ length: 2 << 20 }, (_, i) => (i * seed) >> 3);
    await req.send(big(5));
    expect(Buffer.from(await rep.recv()).equals(big(5))).toBe(true);
    const reply = req.recv();
    await rep.send(big(11));
    expect(Buffer.from(await reply).equals(big(11))).toBe(true);
  });

  test("removes the stale file of a killed libnng listener, and refuses a live one", async () => {
    using dir = tempDir();
    const url = dir.url("stale.ipc");
    const live = await LibnngPeer.start({ role: "rep", mode: "listen", url });
    await using intruder = new RepSocket();
    expect(await kindOf(intruder.listen(url))).toBe("addrinuse");
    await live.kill();
    expect(existsSync(`${dir.path}/stale.ipc`)).toBe(true);
    await using rep = new RepSocket({ recvTimeoutMs: 5_000 });
    await rep.listen(url);
    await using req = await LibnngPeer.start({ role: "req", mode: "dial", url });
    await req.send(text("hello"));
    expect(str(await rep.recv())).toBe("hello");
  });

  test("drops a libnng pusher whose message exceeds our maxRecvSize", async () => {
    using dir = tempDir();
    const errors: string[] = [];
    const options = {
      maxRecvSize: 1 << 20,
      onPipeError: (e: { kind: string }) => errors.push(e.kind),
    };
    await using pull = new PullSocket(options);
    await pull.listen(dir.url("src.ipc"));
    await using push = await LibnngPeer.start({
      role: "push",
      mode: "dial",
      url: dir.url("src.ipc"),
    });
    await push.send(new Uint8Array((1 << 20) + 1));
    await waitFor(() => errors.length > 0, "our PULL to drop the pusher");
    expect(errors).toEqual(["toolarge"]);
  });
});
