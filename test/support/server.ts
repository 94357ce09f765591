// startServer(): the real plugd on 127.0.0.1 port 0 with a temporary home, for `await using`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type RunningPlugd, startPlugd } from "../../src/server.ts";

export interface TestServer extends AsyncDisposable {
  readonly url: string;
  readonly home: string;
  readonly plugd: RunningPlugd;
  /** Every log line written so far, parsed. */
  readonly logs: Record<string, unknown>[];
  /** Exit codes asked for by `?stop=1` requests. */
  readonly stopRequests: number[];
  /** fetch() relative to the server, trusting the options' CA. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** POST/PUT a JSON body. */
  send(method: string, path: string, body: unknown): Promise<Response>;
  /** Stops this server (keeping the home) and starts a new one on the same home. */
  restart(): Promise<TestServer>;
}

export interface ServerOptions {
  /** Text of etc/plugd.yaml for the new home. */
  config?: string;
  env?: Record<string, string>;
  /** Reuse a home instead of creating one (it is then not removed on dispose). */
  home?: string;
  /** Files to write into the home before the start, by relative path (keys, certificates). */
  files?: Record<string, string>;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** The certificate `request` and `send` trust, for a server with basic.restTls. */
  ca?: string;
}

/** Starts plugd in this process on a free port; disposing it stops it and removes the home. */
export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const ownsHome = options.home === undefined;
  const home = options.home ?? mkdtempSync(join(tmpdir(), "plugd-test-"));
  if (options.config !== undefined) {
    mkdirSync(join(home, "etc"), { recursive: true });
    writeFileSync(join(home, "etc", "plugd.yaml"), options.config);
  }
  for (const [path, content] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(home, path)), { recursive: true });
    writeFileSync(join(home, path), content);
  }
  const logs: Record<string, unknown>[] = [];
  const stopRequests: number[] = [];
  const plugd = await startPlugd({
    home,
    host: options.host ?? "127.0.0.1",
    port: 0,
    env: options.env ?? {},
    logSink: (line) => logs.push(JSON.parse(line) as Record<string, unknown>),
    onStopRequest: (code) => stopRequests.push(code),
  }).catch((err: unknown) => {
    // A start that fails (a bad configuration, say) leaves no home behind.
    if (ownsHome) rmSync(home, { recursive: true, force: true });
    throw err;
  });
  const request = (path: string, init: RequestInit = {}) =>
    fetch(`${plugd.url}${path}`, {
      ...init,
      ...(options.ca === undefined ? {} : { tls: { ca: options.ca } }),
    });
  const server: TestServer = {
    url: plugd.url,
    home,
    plugd,
    logs,
    stopRequests,
    request,
    send: (method, path, body) =>
      request(path, {
        method,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    restart: async () => {
      await plugd.stop();
      const next = await startServer({ ...options, home });
      return { ...next, [Symbol.asyncDispose]: disposeWith(next, home, ownsHome) };
    },
    [Symbol.asyncDispose]: async () => {
      await plugd.stop();
      if (ownsHome) rmSync(home, { recursive: true, force: true });
    },
  };
  return server;
}

function disposeWith(server: TestServer, home: string, ownsHome: boolean) {
  return async () => {
    await server.plugd.stop();
    if (ownsHome) rmSync(home, { recursive: true, force: true });
  };
}
