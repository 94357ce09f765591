// (plugd) GET /plugd/server: what the person looking after a gateway asks of its plugd.
import { Elysia, t } from "elysia";
import type { AccessMode } from "../auth/client-policy.ts";
import { listenAddresses } from "../auth/open-access.ts";
import type { InstallContext } from "../install/context.ts";
import { freeBytes, totalBytes } from "../install/disk-space.ts";
import { answers } from "./schemas.ts";

/** What the facts route needs besides the install context. */
export interface ServerFactsDeps {
  readonly version: string;
  readonly startedAt: number;
  /** The access mode and trusted networks, as the client policy has them. */
  readonly access: { readonly mode: AccessMode; readonly trusted: readonly string[] };
}

const ServerFacts = t.Object({
  version: t.String(),
  startedAt: t.String({ description: "ISO 8601 time plugd started" }),
  upTimeSeconds: t.Integer({ minimum: 0 }),
  listen: t.Object({
    host: t.String({ description: "basic.restIp" }),
    port: t.Integer({ description: "the port bound (basic.restPort, or the one chosen for 0)" }),
    tls: t.Boolean(),
    addresses: t.Array(t.String(), { description: "host:port pairs it answers on" }),
  }),
  home: t.String({ description: "absolute path of the home folder" }),
  store: t.String({ description: "absolute path of the SQLite store file" }),
  disk: t.Object({
    path: t.String({ description: "the folder measured: the home" }),
    freeBytes: t.Integer({ description: "bytes plugd may still write (root's reserve excluded)" }),
    totalBytes: t.Integer(),
  }),
  access: t.Object({
    mode: t.Union([t.Literal("authentication"), t.Literal("protected"), t.Literal("open")]),
    trustedNetworks: t.Array(t.String()),
  }),
});

const detail = {
  tags: ["server"],
  description:
    "(plugd) Listening addresses, home, store file, disk free in the home, access mode, uptime " +
    "and version. Behind the access control: with authentication on it needs a token.",
};

/**
 * GET /plugd/server. Unlike `/`, it is behind the whole access control (a token with
 * authentication on): paths and disk figures are not for anyone who can reach the port.
 */
export function serverFactsRoutes(ctx: InstallContext, deps: ServerFactsDeps) {
  const { config, paths } = ctx;
  const mode = deps.access.mode === "token" ? "authentication" : deps.access.mode;
  return new Elysia({ name: "server-facts" }).get(
    "/plugd/server",
    ({ server }) => {
      const port = server?.port ?? config.basic.restPort;
      return {
        version: deps.version,
        startedAt: new Date(deps.startedAt).toISOString(),
        upTimeSeconds: Math.floor((Date.now() - deps.startedAt) / 1000),
        listen: {
          host: config.basic.restIp,
          port,
          tls: config.basic.restTls.certfile !== undefined,
          addresses: listenAddresses(config.basic.restIp, port),
        },
        home: paths.root,
        store: paths.storeFile,
        disk: {
          path: paths.root,
          freeBytes: freeBytes(paths.root),
          totalBytes: totalBytes(paths.root),
        },
        access: { mode, trustedNetworks: [...deps.access.trusted] },
      };
    },
    { detail, response: answers({ 200: ServerFacts }) },
  );
}
