// Routes of portable plugins: /plugins/portables, with live status and the program's output.
import { Elysia, t } from "elysia";
import type { InstallContext } from "../install/context.ts";
import { createPlugin, deletePlugin, updatePlugin } from "../install/install-flow.ts";
import { portableKind } from "../install/portable-kind.ts";
import { describePortable, listPortables, portableOutput } from "../services/plugin-queries.ts";
import { inContext } from "./in-context.ts";
import { logsResponse } from "./plugin-logs.ts";
import { changes } from "./route-changes.ts";
import {
  answers,
  InstallBodySchema,
  NameParams,
  PortableDescription,
  PortableInfoBody,
  PortableStatusBody,
  Sentence,
} from "./schemas.ts";
import { symbolRoutes } from "./symbol-routes.ts";

const LogsQuery = t.Object({
  lines: t.Optional(
    t.Numeric({ minimum: 1, maximum: 1000, description: "how many (default 100)" }),
  ),
  follow: t.Optional(t.String({ description: "1: keep the answer open and stream new lines" })),
});

const base = "/plugins/portables";
const detail = { tags: ["portables"] };

const PortableInfos = t.Array(PortableInfoBody);

/** One Elysia instance for /plugins/portables. */
export function portableRoutes(ctx: InstallContext) {
  return new Elysia({ name: "portables" })
    .use(symbolRoutes(ctx))
    .use(portableReads(ctx))
    .use(portableChanges(ctx));
}

/**
 * The list (PluginInfo objects, not names, as eKuiper: its fvt/portable_test.go checks the
 * text), a plugin's manifest and live status, and the program's output.
 */
function portableReads(ctx: InstallContext) {
  return new Elysia({ name: "portables-reads" })
    .get(base, () => listPortables(ctx), { detail, response: answers({ 200: PortableInfos }) })
    .get(
      `${base}/:name`,
      ({ params }) =>
        inContext(`describe portable plugin ${params.name}`, () => {
          const { manifest, status } = describePortable(ctx, params.name);
          return { ...manifest, name: params.name, ...status };
        }),
      { params: NameParams, detail, response: answers({ 200: PortableDescription }) },
    )
    .get(
      `${base}/:name/status`,
      ({ params }) =>
        inContext(
          `status of portable plugin ${params.name}`,
          () => describePortable(ctx, params.name).status,
        ),
      { params: NameParams, detail, response: answers({ 200: PortableStatusBody }) },
    )
    .get(
      `${base}/:name/logs`,
      ({ params, query }) =>
        inContext(`logs of portable plugin ${params.name}`, () => {
          const output = portableOutput(ctx, params.name);
          if (!output) return new Response("", { headers: { "content-type": "text/plain" } });
          return logsResponse(output, query.lines ?? 100, query.follow === "1");
        }),
      {
        params: NameParams,
        query: LogsQuery,
        detail,
        response: answers({ 200: t.String({ description: "text/plain output lines" }) }),
      },
    );
}

/** Create, update and delete. */
function portableChanges(ctx: InstallContext) {
  const named = { detail: { ...detail, ...changes("portables", "param") } };
  return new Elysia({ name: "portables-changes" })
    .post(
      base,
      ({ body, status }) =>
        inContext(`create portable plugin ${body.name}`, async () => {
          await createPlugin(ctx, portableKind, body);
          return status(201, `portable plugin ${body.name} is created`);
        }),
      {
        body: InstallBodySchema,
        detail: { ...detail, ...changes("portables", "body") },
        response: answers({ 201: Sentence }),
      },
    )
    .put(
      `${base}/:name`,
      ({ params, body }) =>
        inContext(`update portable plugin ${params.name}`, async () => {
          await updatePlugin(ctx, portableKind, params.name, body);
          return `portable plugin ${params.name} is updated`;
        }),
      {
        ...named,
        params: NameParams,
        body: InstallBodySchema,
        response: answers({ 200: Sentence }),
      },
    )
    .delete(
      `${base}/:name`,
      ({ params }) =>
        inContext(`delete portable plugin ${params.name}`, async () => {
          await deletePlugin(ctx, portableKind, params.name);
          return `portable plugin ${params.name} is deleted`;
        }),
      { ...named, params: NameParams, response: answers({ 200: Sentence }) },
    );
}
