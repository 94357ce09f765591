// (plugd) The data plane over REST: feed a portable plugin's sink, call any portable function.
import { Elysia, t } from "elysia";
import type { DataPlane } from "../dataplane/data-plane.ts";
import type { SendRequest } from "../dataplane/sink-pool.ts";
import { badRequest, describeError, notFound, notImplemented } from "../errors.ts";
import type { InstallContext } from "../install/context.ts";
import { runningPortable } from "../services/plugin-queries.ts";
import { inContext } from "./in-context.ts";
import { changes } from "./route-changes.ts";
import { answers } from "./schemas.ts";
import { symbolRequest } from "./symbol-request.ts";

const SinkParams = t.Object({ name: t.String(), sink: t.String() });
const SinkQuery = t.Object({
  confKey: t.Optional(t.String({ description: "a section of etc/sinks/{sink}.yaml" })),
  props: t.Optional(t.String({ description: "JSON object laid over the yaml's properties" })),
});
const SendAnswer = t.Object({
  sent: t.Number(),
  failed: t.Optional(t.Array(t.Object({ index: t.Number(), error: t.String() }))),
});
const detail = { tags: ["data plane"] };

/** Sink sends (HTTP and WebSocket), function calls, and the 501 of native plugins. */
export function dataPlaneRoutes(ctx: InstallContext, plane: DataPlane) {
  return new Elysia({ name: "data-plane-use" })
    .use(sinkRoutes(ctx, plane))
    .post(
      "/plugins/udfs/:fn/call",
      ({ params, body, request, server }) =>
        inContext(`call function ${params.fn}`, async () => {
          const owner = ctx.store.functions.owner(params.fn);
          if (!owner) throw notFound(`function ${params.fn} is not found`);
          if (owner.type !== "portables") throw nativeOnly(`function ${params.fn}`, owner.name);
          const plugin = runningPortable(ctx, owner.name);
          const client = server?.requestIP(request)?.address;
          const reply = await plane.functions.call(plugin, params.fn, body.args, client);
          if (!reply.state)
            throw badRequest(`function ${params.fn} failed: ${String(reply.result)}`);
          return { result: reply.result };
        }),
      {
        params: t.Object({ fn: t.String() }),
        body: t.Object({ args: t.Array(t.Unknown()) }),
        detail: { ...detail, ...changes("functions", "param", "fn") },
        response: answers({ 200: t.Object({ result: t.Unknown() }) }),
      },
    )
    .get(
      "/plugins/sources/:name/stream",
      ({ params }) => nativeRoute(ctx, "sources", params.name),
      {
        params: t.Object({ name: t.String() }),
        detail,
        response: answers({ 501: t.Object({ error: t.Number(), message: t.String() }) }),
      },
    )
    .post("/plugins/sinks/:name/send", ({ params }) => nativeRoute(ctx, "sinks", params.name), {
      params: t.Object({ name: t.String() }),
      detail: { ...detail, ...changes("sinks", "param") },
      response: answers({ 501: t.Object({ error: t.Number(), message: t.String() }) }),
    });
}

// Over 40 lines: one Elysia chain (the HTTP send and its WebSocket), whole for type inference.
function sinkRoutes(ctx: InstallContext, plane: DataPlane) {
  const request = (params: typeof SinkParams.static, query: typeof SinkQuery.static) => ({
    ...symbolRequest(ctx, params.name, "sinks", params.sink, query),
    sink: params.sink,
  });
  return new Elysia({ name: "data-plane-sinks" })
    .post(
      "/plugins/portables/:name/sinks/:sink/send",
      ({ params, query, body, request: req, server }) =>
        inContext(`send to sink ${params.sink} of ${params.name}`, async () => {
          const messages = Array.isArray(body) ? body : [body];
          if (messages.length === 0 || messages.some((m) => typeof m !== "object" || m === null)) {
            throw badRequest("send one JSON object, an array of them, or NDJSON of them");
          }
          const client = server?.requestIP(req)?.address;
          const sending: SendRequest = { ...request(params, query), client };
          return plane.sinks.send(sending, messages);
        }),
      {
        params: SinkParams,
        query: SinkQuery,
        body: t.Unknown({ description: "a JSON object, an array of them, or NDJSON" }),
        detail: { ...detail, ...changes("portables", "param") },
        response: answers({ 200: SendAnswer }),
      },
    )
    .ws("/plugins/portables/:name/sinks/:sink/ws", {
      params: SinkParams,
      query: SinkQuery,
      detail: { hide: true },
      async message(ws, message) {
        try {
          const sending = { ...request(ws.data.params, ws.data.query), client: ws.remoteAddress };
          const text = typeof message === "string" ? message : JSON.stringify(message);
          ws.send(JSON.stringify(await plane.sinks.send(sending, [JSON.parse(text)])));
        } catch (err) {
          ws.send(JSON.stringify({ error: describeError(err) }));
        }
      },
    });
}

/** 404 for a plugin that is not installed, else 501: native plugins run only inside eKuiper. */
function nativeRoute(ctx: InstallContext, type: "sources" | "sinks", name: string): never {
  if (!ctx.store.plugins.get(type, name)) throw notFound(`${type} plugin ${name} is not found`);
  throw nativeOnly(`${type} plugin ${name}`, name);
}

function nativeOnly(what: string, plugin: string) {
  return notImplemented(
    `${what} belongs to native plugin ${plugin}, a Go plugin only eKuiper can load; plugd can run portable plugins' sources, sinks and functions only`,
  );
}
