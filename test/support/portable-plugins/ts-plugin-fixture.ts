// Test plugin: a portable plugin behaving like one built with eKuiper's current Go SDK, on our nng.

import { writeFileSync } from "node:fs";
import { basename } from "node:path";
import { isNngError } from "../../../src/nng/nng-error.ts";
import { ReqSocket } from "../nng-req/req-socket.ts";
import { type FixtureBehaviour, HELPERS_FILE, loadBehaviour } from "./fixture-behaviour.ts";
import { flood } from "./fixture-flood.ts";
import {
  type Control,
  type Runtime,
  type RuntimeOptions,
  startFunction,
  startSink,
  startSource,
} from "./fixture-runtimes.ts";

// plugd runs a plugin in plugins/portable/<name>/, so the folder names the plugin.
const name = process.env.PLUGIN_NAME ?? basename(process.cwd());
const behaviour: FixtureBehaviour = loadBehaviour(process.cwd(), process.argv);
const log = (line: string) => console.log(`[${name}] ${line}`);
const runtimes = new Map<string, Runtime>();
const options: RuntimeOptions = {
  resendMs: behaviour.resendMs ?? 0,
  sourceIntervalMs: behaviour.sourceIntervalMs ?? 50,
  sourceBurst: behaviour.sourceBurst ?? 1,
  stampMessages: behaviour.stampMessages ?? false,
  log,
};
const symbols = {
  source: behaviour.sources ?? ["random"],
  sink: behaviour.sinks ?? ["file"],
  func: behaviour.functions ?? ["echo"],
};

function exitAtOnce(spec: { code: number; lines: string[] }): never {
  spec.lines.forEach((line, i) => {
    if (i % 2 === 0) console.log(line);
    else console.error(line);
  });
  process.exit(spec.code);
}

function scheduleCrash(ms: number): void {
  setTimeout(() => {
    console.error(`[${name}] crashing on purpose`);
    process.exit(1);
  }, ms);
}

async function start(control: Control): Promise<string> {
  const type = control.pluginType;
  if (type !== "source" && type !== "sink" && type !== "func") {
    return `invalid plugin type ${type}`;
  }
  if (!symbols[type].includes(control.symbolName)) return "symbol not found";
  const meta = control.meta ?? { ruleId: "", opId: "", instanceId: 0 };
  const key =
    type === "func"
      ? `func_${control.symbolName}`
      : `${meta.ruleId}_${meta.opId}_${meta.instanceId}_${control.symbolName}`;
  // The Go SDK answers ok to a second start of a running function and does nothing.
  if (type === "func" && runtimes.has(key)) return "ok";
  try {
    if (type === "func") runtimes.set(key, await startFunction(control.symbolName, options));
    if (type === "source") runtimes.set(key, await startSource(control, options));
    if (type === "sink") runtimes.set(key, await startSink(control, options));
  } catch (err) {
    return `can't dial: ${String(err)}`;
  }
  log(`running ${type} ${control.symbolName}`);
  return "ok";
}

async function stop(control: Control): Promise<string> {
  const meta = control.meta ?? { ruleId: "", opId: "", instanceId: 0 };
  const key = `${meta.ruleId}_${meta.opId}_${meta.instanceId}_${control.symbolName}`;
  const runtime = runtimes.get(key);
  if (runtime === undefined) return `symbol ${key} not found`;
  runtimes.delete(key);
  await runtime.stop();
  log(`stopped ${control.pluginType} ${control.symbolName}`);
  return "ok";
}

async function handle(body: Uint8Array): Promise<string> {
  try {
    const command = JSON.parse(new TextDecoder().decode(body)) as { cmd: string; arg: string };
    log(`received command ${command.cmd} with arg:'${command.arg}'`);
    const control = JSON.parse(command.arg) as Control;
    if (command.cmd === "start") return await start(control);
    if (command.cmd === "stop") return await stop(control);
    return `invalid command received: ${command.cmd}`;
  } catch (err) {
    return String(err);
  }
}

async function serveControl(req: ReqSocket): Promise<never> {
  await req.send(new TextEncoder().encode("handshake"));
  if (behaviour.flood && !behaviour.flood.beforeHandshake) void flood(behaviour.flood);
  if (behaviour.crashAfterMs !== undefined) scheduleCrash(behaviour.crashAfterMs);
  if (behaviour.crashOnSignal) {
    process.on("SIGUSR1", () => {
      console.error(`[${name}] crashing on purpose`);
      process.exit(1);
    });
  }
  for (;;) {
    let body: Uint8Array;
    try {
      body = await req.recv();
    } catch (err) {
      // The Go SDK exits 1 when its control loop fails, e.g. when the host goes away.
      if (isNngError(err, "timeout") || isNngError(err, "state")) {
        await req.send(new TextEncoder().encode("handshake"));
        continue;
      }
      console.error(`[${name}] control channel failed: ${String(err)}`);
      process.exit(1);
    }
    await req.send(new TextEncoder().encode(await handle(body)));
  }
}

/** Helpers that outlive the plugin unless plugd ends them (setsid ones leave its group). */
function spawnHelpers(spec: { count: number; setsid?: boolean }): void {
  const pids = Array.from({ length: spec.count }, () => {
    const helper = Bun.spawn(["sleep", "305"], {
      stdio: ["ignore", "ignore", "ignore"],
      detached: spec.setsid === true,
    });
    helper.unref();
    return helper.pid;
  });
  writeFileSync(HELPERS_FILE, pids.map((pid) => `${pid}\n`).join(""));
  log(`started ${spec.count} helpers`);
}

async function main(): Promise<void> {
  log(`plugin ${name} started, pid ${process.pid}, config ${process.argv[2] ?? ""}`);
  if (behaviour.exitAtOnce) exitAtOnce(behaviour.exitAtOnce);
  if (behaviour.spawnHelpers) spawnHelpers(behaviour.spawnHelpers);
  process.on("SIGTERM", () => {
    if (behaviour.ignoreSigterm) return log("ignoring SIGTERM");
    log(`stopping plugin ${name}`);
    process.exit(0);
  });
  let line = 0;
  const rate = behaviour.linesPerSecond ?? 0;
  if (rate > 0) setInterval(() => log(`line ${++line}`), 1000 / rate);
  if (behaviour.flood?.beforeHandshake) await flood(behaviour.flood);
  const req = new ReqSocket({ resendMs: options.resendMs, maxRecvSize: 1_048_576 });
  try {
    await req.dial(`ipc:///tmp/plugin_${name}.ipc`, { reconnect: options.resendMs > 0 });
  } catch (err) {
    console.error(`panic: can't dial on req socket: ${String(err)}`);
    process.exit(2);
  }
  if (behaviour.neverHandshake) {
    log("connected; never sending the handshake");
    setInterval(() => {}, 1 << 30);
    return;
  }
  await serveControl(req);
}

await main();
