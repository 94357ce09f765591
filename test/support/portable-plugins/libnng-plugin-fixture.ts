// Test plugin on the real libnng (bun:ffi): handshake, `start func` of any name and Exec echo.
//
// libnng calls block their thread, so the control loop runs on the main thread and each
// function channel in a Worker of this same file, as the SDKs use a goroutine or thread each.

import { basename } from "node:path";
import { isMainThread, parentPort, Worker } from "node:worker_threads";
import { LibnngError, LibnngSocket } from "../libnng.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
/** NNG_ETIMEDOUT: the SDKs' 5 s keepalive on the function channel. */
const ETIMEDOUT = 5;

function funcReply(body: Uint8Array): string {
  const data = JSON.parse(decode(body)) as { func?: string; arg?: unknown };
  if (data.func === "Exec" && Array.isArray(data.arg)) {
    return JSON.stringify({ state: true, result: data.arg[0] ?? null });
  }
  if (data.func === "IsAggregate") return JSON.stringify({ state: true, result: false });
  return JSON.stringify({ state: true, result: "" });
}

/** Worker: dial `func_{symbol}.ipc`, report, then serve calls forever. */
function serveFunction(symbol: string): void {
  const req = new LibnngSocket("req");
  req.setMs("recv-timeout", 5000);
  try {
    req.dial(`ipc:///tmp/func_${symbol}.ipc`);
  } catch (err) {
    parentPort?.postMessage(`can't dial on req socket: ${String(err)}`);
    return;
  }
  parentPort?.postMessage("ok");
  req.send(encode("handshake"));
  for (;;) {
    let body: Uint8Array;
    try {
      body = req.recv();
    } catch (err) {
      if (err instanceof LibnngError && err.code === ETIMEDOUT) {
        req.send(encode("handshake"));
        continue;
      }
      throw err;
    }
    req.send(encode(funcReply(body)));
  }
}

function startWorker(symbol: string): Promise<string> {
  const worker = new Worker(import.meta.path);
  const { promise, resolve } = Promise.withResolvers<string>();
  worker.once("message", (message: unknown) => resolve(String(message)));
  worker.postMessage(symbol);
  return promise;
}

async function answer(body: Uint8Array, running: Set<string>): Promise<string> {
  const command = JSON.parse(decode(body)) as { cmd: string; arg: string };
  const control = JSON.parse(command.arg) as { symbolName: string; pluginType: string };
  console.log(`received command ${command.cmd} ${control.pluginType} ${control.symbolName}`);
  if (command.cmd !== "start") return "ok";
  if (control.pluginType !== "func") return "symbol not found";
  if (running.has(control.symbolName)) return "ok";
  const result = await startWorker(control.symbolName);
  if (result === "ok") running.add(control.symbolName);
  return result;
}

async function main(): Promise<void> {
  const name = process.env.PLUGIN_NAME ?? basename(process.cwd());
  console.log(`libnng plugin ${name} started, pid ${process.pid}`);
  const control = new LibnngSocket("req");
  try {
    control.dial(`ipc:///tmp/plugin_${name}.ipc`);
  } catch (err) {
    console.error(`panic: can't dial on req socket: ${String(err)}`);
    process.exit(2);
  }
  control.send(encode("handshake"));
  const running = new Set<string>();
  for (;;) {
    // Blocks the main thread; SIGTERM's default action still ends the process.
    const body = control.recv();
    control.send(encode(await answer(body, running)));
  }
}

if (isMainThread) {
  await main();
} else {
  parentPort?.once("message", (symbol: unknown) => serveFunction(String(symbol)));
}
