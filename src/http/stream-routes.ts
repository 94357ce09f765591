// (plugd) The data plane over REST: stream a portable plugin's source, as SSE, NDJSON or WebSocket.
import { Elysia, t } from "elysia";
import type { DataPlane } from "../dataplane/data-plane.ts";
import { eventStream, formatEvent, type StreamFormat } from "../dataplane/event-stream.ts";
import type { Properties } from "../dataplane/properties.ts";
import type { Subscriber } from "../dataplane/session.ts";
import { describeError } from "../errors.ts";
import type { InstallContext } from "../install/context.ts";
import type { PortablePlugin } from "../portable/portable-plugin.ts";
import { describePortable } from "../services/plugin-queries.ts";
import { inContext } from "./in-context.ts";
import { answers } from "./schemas.ts";
import { symbolRequest } from "./symbol-request.ts";

const SessionBody = t.Object({
  id: t.String({ description: "the rule id its symbol start carries, as refCount shows it" }),
  kind: t.Union([t.Literal("source"), t.Literal("sink"), t.Literal("function")]),
  symbol: t.String(),
  properties: t.Record(t.String(), t.Unknown()),
  since: t.String(),
  messages: t.Number(),
  bytes: t.Number(),
  clients: t.Array(t.String()),
});

const StreamParams = t.Object({ name: t.String(), source: t.String() });
const StreamQuery = t.Object({
  datasource: t.Optional(t.String({ description: "the source's data source (topic, table…)" })),
  confKey: t.Optional(t.String({ description: "a section of etc/sources/{source}.yaml" })),
  props: t.Optional(t.String({ description: "JSON object laid over the yaml's properties" })),
});

interface Opened {
  plugin: PortablePlugin;
  source: string;
  dataSource: string;
  properties: Properties;
}

const path = "/plugins/portables/:name/sources/:source/stream";
const detail = {
  tags: ["data plane"],
  description:
    "Server-Sent Events by default, NDJSON with Accept: application/x-ndjson, and one text frame per message on a WebSocket upgrade of the same path.",
};

/** GET (and WebSocket) /plugins/portables/{name}/sources/{source}/stream, and the sessions. */
export function streamRoutes(ctx: InstallContext, plane: DataPlane) {
  return new Elysia({ name: "data-plane-streams" })
    .get(
      "/plugins/portables/:name/sessions",
      ({ params }) =>
        inContext(`sessions of portable plugin ${params.name}`, () => {
          describePortable(ctx, params.name);
          return plane.sessions(params.name);
        }),
      {
        params: t.Object({ name: t.String() }),
        detail: { tags: ["data plane"] },
        response: answers({ 200: t.Array(SessionBody) }),
      },
    )
    .use(httpStream(ctx, plane))
    .use(webSocketStream(ctx, plane));
}

/** The running plugin, its source and the source's properties; 404/400 as the request is wrong. */
function openSource(
  ctx: InstallContext,
  params: typeof StreamParams.static,
  query: typeof StreamQuery.static,
): Opened {
  const { plugin, properties } = symbolRequest(ctx, params.name, "sources", params.source, query);
  return { plugin, source: params.source, dataSource: query.datasource ?? "", properties };
}

/** SSE, or NDJSON when the client accepts it. */
function httpStream(ctx: InstallContext, plane: DataPlane) {
  return new Elysia({ name: "data-plane-http-stream" }).get(
    path,
    ({ params, query, request, server }) =>
      inContext(`stream source ${params.source} of ${params.name}`, async () => {
        const opened = openSource(ctx, params, query);
        const accept = request.headers.get("accept") ?? "";
        const format: StreamFormat = accept.includes("application/x-ndjson") ? "ndjson" : "sse";
        let leave = async () => {};
        const { subscriber, body } = eventStream(
          {
            format,
            queueBytes: plane.options.queueBytes,
            keepAliveMs: plane.options.keepAliveMs,
            client: server?.requestIP(request)?.address,
          },
          () => void leave(),
        );
        leave = await plane.sources.subscribe(opened, subscriber);
        const type = format === "sse" ? "text/event-stream" : "application/x-ndjson";
        return new Response(body, {
          headers: { "content-type": `${type}; charset=utf-8`, "cache-control": "no-cache" },
        });
      }),
    {
      params: StreamParams,
      query: StreamQuery,
      detail,
      response: answers({ 200: t.String({ description: "text/event-stream or NDJSON" }) }),
    },
  );
}

/** One text frame per message; the last frame says why the stream ended. */
function webSocketStream(ctx: InstallContext, plane: DataPlane) {
  const leaving = new Map<string, () => Promise<void>>();
  return new Elysia({ name: "data-plane-ws-stream" }).ws(path, {
    params: StreamParams,
    query: StreamQuery,
    // Not an OpenAPI method: the GET route's description tells of the upgrade.
    detail: { hide: true },
    async open(ws) {
      const subscriber: Subscriber = {
        client: ws.remoteAddress,
        push(event) {
          if (bufferedOf(ws.raw) > plane.options.queueBytes) return false;
          ws.send(formatEvent("ndjson", event).trimEnd());
          return true;
        },
        end(reason) {
          ws.send(formatEvent("ndjson", { kind: "end", reason }).trimEnd());
          ws.close();
        },
      };
      try {
        const opened = openSource(ctx, ws.data.params, ws.data.query);
        const leave = await plane.sources.subscribe(opened, subscriber);
        // The client may have gone while the source was starting.
        if (ws.raw.readyState === 1) leaving.set(ws.id, leave);
        else await leave();
      } catch (err) {
        subscriber.end(describeError(err));
      }
    },
    close(ws) {
      void leaving.get(ws.id)?.();
      leaving.delete(ws.id);
    },
  });
}

/** Bytes queued on a WebSocket and not yet written (Bun has it; Elysia's types lag behind). */
function bufferedOf(socket: object): number {
  const queued = (socket as { getBufferedAmount?: () => number }).getBufferedAmount;
  return typeof queued === "function" ? queued.call(socket) : 0;
}
