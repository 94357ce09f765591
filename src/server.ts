// startPlugd: opens the home, store and API and listens; main.ts and the tests both use it.

import { join } from "node:path";
import { createApp } from "./app.ts";
import { listenAddresses, logAccess, openAccess } from "./auth/open-access.ts";
import { ensureHome, homePaths } from "./config/home.ts";
import { ConfigError, type Env, loadConfig, processEnvironment } from "./config/load.ts";
import type { Config } from "./config/schema.ts";
import { readTlsFiles, type TlsFiles } from "./config/tls-files.ts";
import { parseHostPolicy } from "./download/host-policy.ts";
import { describeError } from "./errors.ts";
import type { InstallContext } from "./install/context.ts";
import { PluginLocks } from "./install/plugin-locks.ts";
import { reconcile } from "./install/recovery.ts";
import { createLogger, type LogSink } from "./log/logger.ts";
import { parseManifest } from "./portable/manifest.ts";
import { PortableHost } from "./portable/portable-host.ts";
import { createStore } from "./store/store.ts";
import { killOrphans } from "./supervisor/orphans.ts";
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

/** Starts plugd. Throws ConfigError for a bad configuration, or when the port cannot be bound. */
export async function startPlugd(options: StartOptions): Promise<RunningPlugd> {
  const startedAt = Date.now();
  const paths = homePaths(options.home);
  ensureHome(paths);
  const config = loadConfig({
    home: paths.root,
    configFile: options.configFile,
    env: options.env ?? process.env,
    overrides: { restIp: options.host, restPort: options.port },
  });
  const tls = readTlsFiles(config);
  checkAllowedHosts(config);
  const logger = createLogger({
    level: config.basic.logLevel,
    // Every line names a module; parts that log without naming their own get this one.
    fields: { module: "plugd" },
    ...(options.logSink ? { sink: options.logSink } : {}),
  });
  const access = await openAccess(config, paths, logger);
  const store = createStore(paths.storeFile);
  // Every pid file left now is from a run that ended without stopping its plugins.
  await killOrphans(paths.pids, logger.child({ module: "portable" }));
  const portables = new PortableHost({
    pluginsDir: join(paths.plugins, "portable"),
    pidsDir: paths.pids,
    pythonBin: config.portable.pythonBin,
    initTimeoutMs: config.portable.initTimeout,
    stopTimeoutMs: config.portable.stopTimeout,
    env: options.childEnv ?? processEnvironment(),
    logger,
  });
  const ctx: InstallContext = { config, paths, store, logger, locks: new PluginLocks(), portables };
  reconcile(ctx);
  const app = createApp({
    ctx,
    version,
    startedAt,
    // Let the answer leave before the process goes.
    requestStop: (code) => setTimeout(() => options.onStopRequest(code), 0),
    access: {
      gate: access.gate,
      audit: access.audit,
      store,
      limits: { json: config.basic.maxRequestBodySize, upload: config.plugin.maxDownloadSize },
    },
  });
  const { server, port, url } = listen(app, config, tls);
  logger.info("plugd is listening", {
    module: "main",
    url,
    addresses: listenAddresses(config.basic.restIp, port),
    tls: tls !== undefined,
    access: access.policy.mode === "token" ? "authentication" : access.policy.mode,
    home: paths.root,
    version,
  });
  await logAccess(access, config, logger);
  const booted = startPortables(ctx);
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      const timeoutMs = options.stopTimeoutMs ?? 10_000;
      if (!(await settlesWithin(Promise.all([server.stop(), booted]), timeoutMs))) {
        logger.warn("requests still in flight at the stop timeout; closing their connections", {
          module: "main",
          timeoutMs,
          changesInProgress: ctx.locks.active,
        });
        await server.stop(true);
      }
      await portables.stopAll();
      await access.close();
      store.close();
    })();
    return stopped;
  };
  return { url, port, config, ctx, stop, [Symbol.asyncDispose]: stop };
}

/** Listens on `basic.restIp`/`restPort`, over HTTPS when `tls` is given. */
function listen(app: ReturnType<typeof createApp>, config: Config, tls: TlsFiles | undefined) {
  app.listen({
    hostname: config.basic.restIp,
    port: config.basic.restPort,
    // The app caps each route's body and answers 413 in eKuiper's JSON; Bun's own cap would
    // answer first, with an empty body, so it is lifted.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    ...(tls ? { tls } : {}),
  });
  const server = app.server;
  if (!server) throw new Error("the HTTP server did not start");
  const port = server.port ?? 0;
  const url = `${tls ? "https" : "http"}://${hostForUrl(config.basic.restIp)}:${port}`;
  return { server, port, url };
}

/** `plugin.allowedHosts` is otherwise read at the first download; a bad entry should stop the start. */
function checkAllowedHosts(config: Config): void {
  try {
    parseHostPolicy(config.plugin.allowedHosts);
  } catch (err) {
    throw new ConfigError(`${config.configFile}: ${describeError(err)}`);
  }
}

/** True when `work` settles within `ms`; false (leaving it running) when it does not. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = work.then(
    () => true as const,
    () => true as const,
  );
  return await Promise.race([settled, late]).finally(() => clearTimeout(timer));
}

function hostForUrl(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

/** Starts every installed portable plugin, without holding up the API: status shows progress. */
async function startPortables(ctx: InstallContext): Promise<void> {
  const { store, portables, logger } = ctx;
  const starts = store.plugins.names("portables").map(async (name) => {
    const record = store.plugins.get("portables", name);
    try {
      const manifest = parseManifest(JSON.stringify(record?.manifest ?? {}), name);
      await portables.startQuietly(name, manifest);
    } catch (err) {
      logger.error(`portable plugin ${name} has an unusable manifest in the store`, { error: err });
    }
  });
  await Promise.all(starts);
}
