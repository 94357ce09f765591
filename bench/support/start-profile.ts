// Where plugd's start goes: compiled like plugd, it imports and runs the start's parts one by one
// and prints the milliseconds since the process began at each step, as one JSON object.
// Usage: start-profile <home>; the home should be one a plugd has used (store and layout made).
import { join } from "node:path";
import type { InstallContext } from "../../src/install/context.ts";
import { silentLogger } from "../../src/log/logger.ts";

const marks: Record<string, number> = { "runtime ready (before any import)": performance.now() };
let last = performance.now();
const mark = (step: string) => {
  const now = performance.now();
  marks[step] = now - last;
  last = now;
};

async function profile(home: string): Promise<void> {
  await import("elysia");
  mark("import elysia");
  await import("node:http");
  mark("import node:http");
  await import("fflate");
  mark("import fflate (src/zip loads it at the first install, not at start)");
  await import("jose");
  mark("import jose (src/auth)");
  await import("../../src/app.ts");
  mark("import the rest of app.ts (routes, install, portable, …)");
  const server = await import("../../src/server.ts");
  mark("import the rest of server.ts");
  const { loadConfig } = await import("../../src/config/load.ts");
  const { homePaths } = await import("../../src/config/home.ts");
  const paths = homePaths(home);
  const config = loadConfig({ home, env: {} });
  mark("load and check etc/plugd.yaml");
  const { createStore } = await import("../../src/store/store.ts");
  const store = createStore(paths.storeFile);
  mark("open the store");
  const { reconcile } = await import("../../src/install/recovery.ts");
  const { PluginLocks } = await import("../../src/install/plugin-locks.ts");
  const { PortableHost } = await import("../../src/portable/portable-host.ts");
  const portables = new PortableHost({
    pluginsDir: join(paths.plugins, "portable"),
    pidsDir: paths.pids,
    pythonBin: "python3",
    initTimeoutMs: 1000,
    stopTimeoutMs: 1000,
    env: {},
    logger: silentLogger,
  });
  const ctx = { config, paths, store, logger: silentLogger, locks: new PluginLocks(), portables };
  const report = reconcile(ctx);
  mark(`reconcile (${store.plugins.names("functions").length} function plugins)`);
  await routeTable({ ...ctx, cgroups: Promise.resolve(undefined) });
  store.close();
  const plugd = await server.startPlugd({
    home,
    host: "127.0.0.1",
    port: 0,
    env: {},
    logSink: () => {},
    onStopRequest: () => {},
  });
  mark("startPlugd (config, store and reconcile again, warm; access, app, listen)");
  await fetch(`${plugd.url}/ping`);
  mark("first GET /ping (this process as client)");
  await fetch(`${plugd.url}/plugins/functions`);
  mark("first GET /plugins/functions");
  await fetch(`${plugd.url}/openapi/json`);
  mark("first GET /openapi/json (loads @elysia/openapi's generator)");
  await plugd.stop();
  console.log(JSON.stringify({ marks, rolledBack: report.rolledBack }));
}

/** plugd's routes alone: built, listened on, and the first request's route compiled. */
async function routeTable(ctx: InstallContext): Promise<void> {
  const { openAccess } = await import("../../src/auth/open-access.ts");
  const { createApp } = await import("../../src/app.ts");
  const { DataPlane } = await import("../../src/dataplane/data-plane.ts");
  const { listen } = await import("../../src/lifecycle/listen.ts");
  const access = await openAccess(ctx.config, ctx.paths, silentLogger);
  const dataPlane = new DataPlane(silentLogger, ctx.config.dataplane);
  const fleet = { report: () => ({ enabled: false as const }) };
  mark("open access, data plane");
  const app = createApp({
    ctx,
    version: "profile",
    startedAt: Date.now(),
    requestStop: () => {},
    dataPlane,
    fleet,
    access: {
      gate: access.gate,
      audit: access.audit,
      store: ctx.store,
      limits: {
        json: ctx.config.basic.maxRequestBodySize,
        upload: ctx.config.plugin.maxDownloadSize,
      },
    },
    accessMode: access.policy,
  });
  mark(`createApp: plugd's ${app.routes.length} routes with their schemas and hooks`);
  const { server, url } = listen(
    app,
    { ...ctx.config, basic: { ...ctx.config.basic, restPort: 0 } },
    undefined,
  );
  mark("listen: Elysia compiles the router, Bun.serve binds");
  await fetch(`${url}/ping`);
  mark("first GET /ping: Elysia composes the route's handler with the access hooks");
  await server.stop(true);
  await access.close();
}

void profile(process.argv[2] ?? "./plugd-home").then(() => process.exit(0));
