// listen: binds the Elysia app to the configured address, over HTTPS when TLS files are given.

import type { createApp } from "../app.ts";
import { ConfigError } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import type { TlsFiles } from "../config/tls-files.ts";

/** Listens on `basic.restIp`/`restPort`. Throws ConfigError when no server comes up. */
export function listen(
  app: ReturnType<typeof createApp>,
  config: Config,
  tls: TlsFiles | undefined,
) {
  app.listen({
    hostname: config.basic.restIp,
    port: config.basic.restPort,
    // The app caps each route's body and answers 413 in eKuiper's JSON; Bun's own cap would
    // answer first, with an empty body, so it is lifted.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    ...(tls ? { tls } : {}),
  });
  const server = app.server;
  if (!server) throw new ConfigError("the HTTP server did not start");
  const port = server.port ?? 0;
  const url = `${tls ? "https" : "http"}://${hostForUrl(config.basic.restIp)}:${port}`;
  return { server, port, url };
}

/** The host to put in a URL: a wildcard address becomes loopback, IPv6 gets brackets. */
function hostForUrl(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}
