// The symbol runtimes of the TS test plugin: a function, a source and a sink, as the Go SDK runs them.

import { isNngError } from "../../../src/nng/nng-error.ts";
import { PullSocket } from "../../../src/nng/pull.ts";
import { PushSocket } from "../../../src/nng/push.ts";
import { ReqSocket } from "../nng-req/req-socket.ts";

/** A running symbol; stop() closes its sockets. */
export interface Runtime {
  stop(): Promise<void>;
}

/** The decoded Control of a start or stop command. */
export interface Control {
  symbolName: string;
  pluginType: string;
  meta?: { ruleId: string; opId: string; instanceId: number };
  dataSource?: string;
  config?: Record<string, unknown>;
}

export interface RuntimeOptions {
  readonly resendMs: number;
  readonly sourceIntervalMs: number;
  readonly sourceBurst: number;
  readonly stampMessages: boolean;
  readonly log: (line: string) => void;
}

/** mangos' default receive limit, which the Go SDK keeps: larger frames drop the connection. */
const GO_MAX_RECV = 1_048_576;
const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The Go SDK builds its data addresses with instanceId 0, whatever the host sent. */
function dataUrl(control: Control, suffix = ""): string {
  const meta = control.meta ?? { ruleId: "", opId: "" };
  return `ipc:///tmp/${meta.ruleId}_${meta.opId}_0${suffix}.ipc`;
}

function funcReply(body: Uint8Array): string {
  const data = JSON.parse(decode(body)) as { func?: string; arg?: unknown };
  const reply = (state: boolean, result: unknown) => JSON.stringify({ state, result });
  if (data.func === "Validate") {
    // Arguments that include "invalid" are refused, to test validation.
    const refused = Array.isArray(data.arg) && data.arg.includes("invalid");
    return refused ? reply(false, "refusing these arguments on purpose") : reply(true, "");
  }
  if (data.func === "IsAggregate") return reply(true, false);
  if (data.func !== "Exec") return reply(false, `invalid func ${data.func}`);
  if (!Array.isArray(data.arg) || data.arg.length < 1) {
    return reply(false, "exec function context not found");
  }
  // The last element is the FuncMeta string; echo the first real argument ("fail" fails).
  if (data.arg[0] === "fail") return reply(false, "failing on purpose");
  return reply(true, data.arg.length > 1 ? data.arg[0] : null);
}

async function serveFunction(req: ReqSocket, symbol: string, log: RuntimeOptions["log"]) {
  await req.send(encode("handshake"));
  for (;;) {
    let body: Uint8Array;
    try {
      body = await req.recv();
    } catch (err) {
      // The SDK's keepalive: after 5 s without a call, abandon the request and shake hands again.
      if (isNngError(err, "timeout") || isNngError(err, "state")) {
        await req.send(encode("handshake"));
        continue;
      }
      log(`function ${symbol} channel closed: ${String(err)}`);
      return;
    }
    await req.send(encode(funcReply(body)));
  }
}

/** Dials `func_{symbol}.ipc` and serves calls; the dial finishes before `start` is answered. */
export async function startFunction(symbol: string, options: RuntimeOptions): Promise<Runtime> {
  const req = new ReqSocket({
    resendMs: options.resendMs,
    recvTimeoutMs: 5000,
    sendTimeoutMs: 1000,
    maxRecvSize: GO_MAX_RECV,
  });
  await req.dial(`ipc:///tmp/func_${symbol}.ipc`, { reconnect: options.resendMs > 0 });
  void serveFunction(req, symbol, options.log).catch((err) =>
    options.log(`function failed: ${err}`),
  );
  return { stop: () => req.close() };
}

/** PUSH-dials the source address and pushes a numbered message every interval. */
export async function startSource(control: Control, options: RuntimeOptions): Promise<Runtime> {
  const push = new PushSocket({ sendTimeoutMs: 1000, maxRecvSize: GO_MAX_RECV });
  await push.dial(dataUrl(control), { reconnect: true });
  let n = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < options.sourceBurst; i++) {
      const message = {
        symbol: control.symbolName,
        dataSource: control.dataSource ?? "",
        config: control.config ?? {},
        n: n++,
        ...(options.stampMessages && { at: performance.timeOrigin + performance.now() }),
      };
      const body = encode(JSON.stringify({ message, meta: {} }));
      push.send(body).catch((err) => options.log(`source push failed: ${err}`));
    }
  }, options.sourceIntervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await push.close();
    },
  };
}

/** PULL-listens on the sink address, PUSH-dials the ack address, prints what it receives. */
export async function startSink(control: Control, options: RuntimeOptions): Promise<Runtime> {
  const pull = new PullSocket({ maxRecvSize: GO_MAX_RECV });
  await pull.listen(dataUrl(control));
  const ack = new PushSocket({ sendTimeoutMs: 1000 });
  await ack.dial(dataUrl(control, "_ack"), { reconnect: true });
  const requireAck = control.config?.requireAck === true;
  void (async () => {
    for (;;) {
      const body = await pull.recv().catch(() => undefined);
      if (body === undefined) return;
      options.log(`sink ${control.symbolName} received ${decode(body)}`);
      // A message with "fail": true is refused, to test error acks.
      const refused = decode(body).includes('"fail":true');
      const answer = refused ? '{"error":"refusing on purpose"}' : "{}";
      if (requireAck) await ack.send(encode(answer)).catch(() => {});
    }
  })();
  return { stop: async () => void (await Promise.all([pull.close(), ack.close()])) };
}
