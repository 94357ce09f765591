// A local HTTP server for tests: bodies or handlers by path on 127.0.0.1 port 0, `await using`.

import type { Server } from "bun";

/** A fixed body (served as application/zip with its Content-Length) or a handler. */
export type Route = Uint8Array | ((req: Request) => Response | Promise<Response>);

export interface FileServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The absolute URL of `path` on this server. */
  url(path: string): string;
  /** Requests seen for `path` so far (for a raw server: connections, whatever the path). */
  hits(path: string): number;
  /**
   * Requests for all of `path` so far: hits() less the Range requests with which plugd first
   * asks for a zip's end (for a raw server: connections).
   */
  downloads(path: string): number;
}

/** A handler that answers a redirect to `location` (absolute, or relative to the request). */
export function redirectTo(location: string, status = 302): Route {
  return () => new Response(null, { status, headers: { location } });
}

/** A handler that never answers: the request is read, the headers never come. */
export function neverAnswer(): Route {
  return () => new Promise<Response>(() => {});
}

/** A handler that sends headers and `first`, then neither more nor the end. */
export function stallAfter(first: Uint8Array): Route {
  return () => new Response(new ReadableStream<Uint8Array>({ start: (out) => out.enqueue(first) }));
}

/** A handler that streams `count` chunks of `size` bytes without a Content-Length. */
export function chunked(count: number, size: number): Route {
  return () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < count) controller.enqueue(new Uint8Array(size).fill(sent));
        else controller.close();
      },
    });
    return new Response(body);
  };
}

/**
 * A handler that answers as servers with range support do (nginx, S3, release stores): a
 * suffix `Range: bytes=-N` gets 206 with the last N bytes of `tail` (default: of `body`) and a
 * Content-Range naming the whole size; any other request gets all of `body`. Each Range header
 * seen (or "none") is pushed to `ranges`. A `tail` other than the body plays a server whose
 * answers disagree.
 */
export function ranged(body: Uint8Array, ranges: string[] = [], tail = body): Route {
  return (req) => {
    const range = req.headers.get("range");
    ranges.push(range ?? "none");
    const suffix = /^bytes=-(\d+)$/.exec(range ?? "");
    if (suffix === null) return new Response(body, { headers: { "accept-ranges": "bytes" } });
    const start = Math.max(0, tail.length - Number(suffix[1]));
    return new Response(tail.subarray(start), {
      status: 206,
      headers: { "content-range": `bytes ${start}-${tail.length - 1}/${tail.length}` },
    });
  };
}

/**
 * Starts a server for `routes` (keyed by path, e.g. `/a.zip`); any other path is a 404.
 * Disposing it closes every connection at once, stalled ones included.
 */
export function startFileServer(routes: Record<string, Route>): FileServer {
  const seen = new Map<string, number>();
  const whole = new Map<string, number>();
  const server: Server<undefined> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const path = new URL(req.url).pathname;
      seen.set(path, (seen.get(path) ?? 0) + 1);
      if (!req.headers.has("range")) whole.set(path, (whole.get(path) ?? 0) + 1);
      const route = routes[path];
      if (route === undefined) return new Response("not found", { status: 404 });
      if (typeof route === "function") return route(req);
      return new Response(route, { headers: { "content-type": "application/zip" } });
    },
  });
  const origin = `http://127.0.0.1:${server.port}`;
  return {
    origin,
    url: (path) => `${origin}${path}`,
    hits: (path) => seen.get(path) ?? 0,
    downloads: (path) => whole.get(path) ?? 0,
    [Symbol.asyncDispose]: () => server.stop(true),
  };
}

/**
 * Starts a TCP server that answers every connection with the raw bytes `head` and then sends
 * nothing more, for answers `Bun.serve` will not write (a Content-Length with no body after it).
 */
export function startRawHttpServer(head: string): FileServer {
  let connections = 0;
  const listener = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(socket) {
        connections++;
        socket.write(head);
      },
      data() {},
    },
  });
  const origin = `http://127.0.0.1:${listener.port}`;
  return {
    origin,
    url: (path) => `${origin}${path}`,
    hits: () => connections,
    downloads: () => connections,
    [Symbol.asyncDispose]: async () => listener.stop(true),
  };
}
