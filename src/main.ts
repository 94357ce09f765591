// Entry point: `plugd serve [--home DIR] [--host ADDR] [--port N] [--config FILE]`, apply, fleet, version.
import { parseArgs } from "node:util";
import { options, usage, type Values } from "./cli/options.ts";
import { ConfigError, processEnvironment, resolveHome } from "./config/load.ts";
import { parseDuration } from "./config/units.ts";
import { InternalError } from "./errors.ts";
import type { Logger } from "./log/logger.ts";
import { type RunningPlugd, type StartOptions, startPlugd } from "./server.ts";
import { realClock } from "./supervisor/clock.ts";
import { announceReady } from "./systemd/service-manager.ts";
import { commit, target, version } from "./version.ts";

/** plugd's own business with systemd, not its plugins'. */
const systemdVariables = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"];

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options });
  const command = positionals[0] ?? "serve";
  if (values.help || command === "help") return print(usage, 0);
  if (command === "version") return print(`plugd ${version} (commit ${commit}, ${target})`, 0);
  if (command === "apply") {
    const file = positionals[1];
    if (file === undefined) return print(`apply needs the export FILE\n${usage}`, 2);
    const dryRun = values["dry-run"] === true;
    // The other commands' modules load only for them, not at every `serve`.
    const { runApply } = await import("./cli/apply.ts");
    return runApply({
      file,
      url: values.url ?? "",
      dryRun,
      token: values.token,
      print: console.log,
    });
  }
  if (command === "fleet") {
    const { runFleet } = await import("./cli/fleet.ts");
    return runFleet(positionals.slice(1), values, usage);
  }
  if (command !== "serve") return print(`unknown command ${command}\n${usage}`, 2);
  return serveCommand(values);
}

/** `plugd serve`: its flags checked (a bad one is a log line and status 2), then serve(). */
async function serveCommand(values: Values): Promise<number> {
  const port = values.port === undefined ? undefined : Number(values.port);
  // `serve` runs under systemd: even its usage errors are log lines journald can keep.
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    return refuse(`--port must be a port number, not ${values.port}`);
  }
  const stopTimeoutMs = parseDuration(values["stop-timeout"]);
  if (stopTimeoutMs === undefined) {
    return refuse(`--stop-timeout must be a duration such as 10s, not ${values["stop-timeout"]}`);
  }
  const { home, host, config, plugins } = values;
  await serve({ home, host, port, config, plugins, stopTimeoutMs });
  return -1;
}

interface ServeFlags {
  home: string | undefined;
  host: string | undefined;
  port: number | undefined;
  config: string | undefined;
  plugins: string | undefined;
  stopTimeoutMs: number;
}

/**
 * Serves until SIGTERM, SIGINT or a `?stop=1` request, then stops (bounded by --stop-timeout for
 * requests in flight) and exits 0, or 100 for `?stop=1`. Under systemd it reports readiness,
 * pings the watchdog and says when it is stopping.
 */
async function serve(flags: ServeFlags): Promise<void> {
  const env = processEnvironment();
  // Signals are handled from the start; one that comes while plugd starts is acted on after.
  let requested: { code: number; reason: string } | undefined;
  let stopNow: ((code: number, reason: string) => void) | undefined;
  const shutdown = (code: number, reason: string) => {
    if (stopNow) stopNow(code, reason);
    else requested ??= { code, reason };
  };
  process.on("SIGTERM", () => shutdown(0, "SIGTERM"));
  process.on("SIGINT", () => shutdown(0, "SIGINT"));
  const onStopRequest = (code: number) => shutdown(code, "a request asked plugd to stop");
  const plugd = await startPlugd(startOptions(flags, env, onStopRequest));
  const { logger } = plugd.ctx;
  const service = announceReady({
    env,
    logger,
    url: plugd.url,
    clock: realClock,
    pid: process.pid,
  });
  // The binary starts with the JIT held back (scripts/build.ts): start-up code runs once and is
  // not worth compiling. Code that serves requests is, from now on.
  Bun.unsafe.setJITPolicy(1);
  let stopping = false;
  stopNow = (code, reason) => {
    if (stopping) return;
    stopping = true;
    service.stopping(reason);
    void stopAndExit(plugd, logger.child({ module: "main" }), { code, reason }, service.close);
  };
  if (requested) stopNow(requested.code, requested.reason);
}

function startOptions(
  flags: ServeFlags,
  env: Record<string, string>,
  onStopRequest: (code: number) => void,
): StartOptions {
  return {
    home: resolveHome(flags.home, "./plugd-home"),
    configFile: flags.config,
    host: flags.host,
    port: flags.port,
    childEnv: childEnvironment(env),
    stopTimeoutMs: flags.stopTimeoutMs,
    pluginsFile: flags.plugins,
    onStopRequest,
  };
}

/**
 * plugd's environment less systemd's variables, as sd_notify(3) with unset_environment:
 * plugins must not notify as plugd. (Editing process.env would not do: Bun.spawn passes the
 * environment plugd started with.)
 */
function childEnvironment(env: Record<string, string>): Record<string, string> {
  const childEnv = { ...env };
  for (const name of systemdVariables) delete childEnv[name];
  return childEnv;
}

async function stopAndExit(
  plugd: RunningPlugd,
  log: Logger,
  why: { code: number; reason: string },
  cleanUp: () => void,
): Promise<void> {
  log.info("plugd is stopping", { reason: why.reason, exitCode: why.code });
  try {
    await plugd.stop();
    log.info("plugd stopped", { exitCode: why.code });
  } catch (err) {
    log.error("plugd did not stop cleanly", { error: err });
  }
  cleanUp();
  process.exit(why.code);
}

function print(text: string, code: number): number {
  (code === 0 ? process.stdout : process.stderr).write(`${text}\n`);
  return code;
}

/** The one line main writes without a logger (before the configuration names its level). */
function fatal(msg: string): void {
  process.stderr.write(`${JSON.stringify({ level: "error", module: "main", msg })}\n`);
}

/** A bad `serve` flag: logged, exit status 2. */
function refuse(msg: string): number {
  fatal(`plugd cannot start: ${msg}`);
  return 2;
}

// Whatever escapes is logged as JSON, so journald keeps it as one line, and ends the process.
process.on("uncaughtException", (err) => {
  fatal(`plugd failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
process.on("unhandledRejection", (reason) => {
  fatal(
    `plugd failed: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
  );
  process.exit(1);
});

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    // Our own errors say enough; anything else keeps its name (TypeError: …).
    const known = err instanceof ConfigError || err instanceof InternalError;
    fatal(`plugd cannot start: ${known ? err.message : String(err)}`);
    process.exit(1);
  },
);
