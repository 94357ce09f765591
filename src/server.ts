// startPlugd: opens the home, store and API and listens; main.ts and the tests both use it.

import { join } from "node:path";
import { type AppDeps, createApp } from "./app.ts";
import { type Access, listenAddresses, logAccess } from "./auth/open-access.ts";
import type { HomePaths } from "./config/home.ts";
import { type Env, processEnvironment } from "./config/load.ts";
import type { Config } from "./config/schema.ts";
import { DataPlane } from "./dataplane/data-plane.ts";
import type { InstallContext } from "./install/context.ts";
import { PluginLocks } from "./install/plugin-locks.ts";
import { reconcile } from "./install/recovery.ts";
import { applyPluginsFile } from "./lifecycle/apply-plugins.ts";
import { prepareFleetAgent, readFleetSetup } from "./lifecycle/fleet-agent.ts";
import { listen } from "./lifecycle/listen.ts";
import { openAccessAndStore, openCgroups } from "./lifecycle/open-parts.ts";
import { type Provisioned, provision } from "./lifecycle/provision.ts";
import { startPortables } from "./lifecycle/start-portables.ts";
import { StopStack, settlesWithin } from "./lifecycle/stop-stack.ts";
import type { Logger, LogSink } from "./log/logger.ts";
import { type PortableEvents, PortableHost } from "./portable/portable-host.ts";
import { killOrphans } from "./supervisor/orphans.ts";
import type { PluginCgroups } from "./supervisor/plugin-cgroups.ts";
import { version } from "./version.ts";

export interface StartOptions {
  home: string;
  configFile?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  env?: Env;
  logSink?: LogSink;
  /** The environment of plugin processes (default: plugd's own). */
  childEnv?: Record<string, string>;
  /** Called when a request asks the server to stop (DELETE …?stop=1), after its answer. */
  onStopRequest: (code: number) => void;
  /** How long stop() lets requests in flight run before it closes their connections (10 s). */
  stopTimeoutMs?: number;
  /** An export file applied at start, as POST /data/import (default: plugin.pluginsFile). */
  pluginsFile?: string | undefined;
}

export interface RunningPlugd {
  readonly url: string;
  readonly port: number;
  readonly config: Config;
  readonly ctx: InstallContext;
  /**
   * Stops accepting requests, lets those in flight finish until the stop timeout (then closes
   * their connections: a change left half done is rolled back at the next start), stops the
   * plugin processes and closes the store.
   */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts plugd: provision (config, TLS, logger), open the store and access control, end
 * orphans, start the portable host, reconcile store and disk, build the app, listen, start the
 * portable plugins. Each part registers its stop as it starts; stop() runs them newest first.
 * Throws ConfigError for a bad configuration, or when the port cannot be bound.
 */
export async function startPlugd(options: StartOptions): Promise<RunningPlugd> {
  const startedAt = Date.now();
  const provisioned = provision(options);
  // The check spawns a process (10-15 ms): plugd opens and serves meanwhile, and only a plugin
  // process or an install.sh waits for the decision. It never throws; a start that fails waits
  // for it, so that its probe cgroup is gone.
  const { config, logger } = provisioned;
  const cgroups = openCgroups(config, logger.child({ module: "portable" }));
  try {
    return await openAndServe(options, provisioned, { startedAt, cgroups });
  } catch (err) {
    await cgroups;
    throw err;
  }
}

async function openAndServe(
  options: StartOptions,
  { paths, config, tls, logger }: Provisioned,
  { startedAt, cgroups }: { startedAt: number; cgroups: Promise<PluginCgroups | undefined> },
): Promise<RunningPlugd> {
  const fleetSetup = await readFleetSetup(config);
  const stops = new StopStack();
  const { access, store } = await openAccessAndStore(config, paths, logger);
  stops.push(() => store.close());
  // Registered after the store so that access closes before it.
  stops.push(() => access.close());
  // Every pid file left now is from a run that ended without stopping its plugins.
  await killOrphans(paths.pids, logger.child({ module: "portable" }));
  // Registered before the portables, so the subtree goes once their processes have stopped.
  stops.push(async () => (await cgroups)?.close());
  const dataPlane = new DataPlane(logger, config.dataplane);
  const portables = createPortables(config, paths, logger, options.childEnv, {
    events: dataPlane,
    cgroups,
  });
  stops.push(() => portables.stopAll());
  const locks = new PluginLocks();
  const ctx: InstallContext = { config, paths, store, logger, locks, portables, cgroups };
  reconcile(ctx);
  const fleet = await prepareFleetAgent(ctx, fleetSetup, version);
  const deps = appDeps(ctx, access, startedAt, options.onStopRequest);
  const app = createApp({ ...deps, dataPlane, fleet });
  const { server, port, url } = listen(app, config, tls);
  logListening(ctx, { url, port, tls: tls !== undefined, access: access.policy.mode });
  await logAccess(access, config, logger);
  const booted = startPortables(ctx);
  await applyPluginsFile(ctx, options.pluginsFile ?? config.plugin.pluginsFile, booted);
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  stops.push(() => drain(ctx, Promise.all([server.stop(), booted]), server, stopTimeoutMs));
  // Registered last, so it stops first: an apply it runs finishes while the API still serves.
  fleet.start(stops, stopTimeoutMs);
  const stop = () => stops.run();
  return { url, port, config, ctx, stop, [Symbol.asyncDispose]: stop };
}

function appDeps(
  ctx: InstallContext,
  access: Access,
  startedAt: number,
  onStopRequest: (code: number) => void,
): Omit<AppDeps, "dataPlane" | "fleet"> {
  const { config, store } = ctx;
  return {
    ctx,
    version,
    startedAt,
    // Let the answer leave before the process goes.
    requestStop: (code) => setTimeout(() => onStopRequest(code), 0),
    accessMode: access.policy,
    access: {
      gate: access.gate,
      audit: access.audit,
      store,
      limits: { json: config.basic.maxRequestBodySize, upload: config.plugin.maxDownloadSize },
    },
  };
}

function logListening(
  ctx: InstallContext,
  at: { url: string; port: number; tls: boolean; access: string },
): void {
  ctx.logger.info("plugd is listening", {
    module: "main",
    url: at.url,
    addresses: listenAddresses(ctx.config.basic.restIp, at.port),
    tls: at.tls,
    access: at.access === "token" ? "authentication" : at.access,
    home: ctx.paths.root,
    version,
  });
}

/** Lets requests in flight (and the boot) finish within `timeoutMs`, then closes connections. */
async function drain(
  ctx: InstallContext,
  inFlight: Promise<unknown>,
  server: { stop(closeActive?: boolean): Promise<void> },
  timeoutMs: number,
): Promise<void> {
  if (await settlesWithin(inFlight, timeoutMs)) return;
  ctx.logger.warn("requests still in flight at the stop timeout; closing their connections", {
    module: "main",
    timeoutMs,
    changesInProgress: ctx.locks.active,
  });
  await server.stop(true);
}

/** The host of portable plugin processes, configured from `portable.*`. */
function createPortables(
  config: Config,
  paths: HomePaths,
  logger: Logger,
  childEnv: Record<string, string> | undefined,
  parts: { events: PortableEvents; cgroups: Promise<PluginCgroups | undefined> },
): PortableHost {
  return new PortableHost({
    pluginsDir: join(paths.plugins, "portable"),
    pidsDir: paths.pids,
    pythonBin: config.portable.pythonBin,
    initTimeoutMs: config.portable.initTimeout,
    stopTimeoutMs: config.portable.stopTimeout,
    env: childEnv ?? processEnvironment(),
    logger,
    ...parts,
  });
}
