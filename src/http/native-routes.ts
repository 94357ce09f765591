// Routes of native plugins: /plugins/{sources,sinks,functions}, prebuild lists, registration.
import { Elysia, t } from "elysia";
import type { InstallContext } from "../install/context.ts";
import { createPlugin, deletePlugin, updatePlugin } from "../install/install-flow.ts";
import { describeNative, registerFunctions } from "../install/native-admin.ts";
import { nativeKind } from "../install/native-kind.ts";
import { currentPlatform, prebuildList } from "../install/prebuild.ts";
import { listPlugins } from "../services/plugin-queries.ts";
import type { NativeType } from "../store/plugins-repo.ts";
import { inContext } from "./in-context.ts";
import { jsonList } from "./json-list.ts";
import { changes } from "./route-changes.ts";
import {
  answers,
  DeleteQuery,
  FunctionListSchema,
  InstallBodySchema,
  NameList,
  NameParams,
  NativeDescription,
  Sentence,
} from "./schemas.ts";

export interface NativeRouteDeps {
  ctx: InstallContext;
  /** Ends the process with `code` once the current answer has been sent. */
  requestStop: (code: number) => void;
}

/** One Elysia instance for the three native plugin types. */
export function nativeRoutes(deps: NativeRouteDeps) {
  return new Elysia({ name: "native-plugins" })
    .use(typeRoutes("sources", deps))
    .use(typeRoutes("sinks", deps))
    .use(typeRoutes("functions", deps))
    .post(
      "/plugins/functions/:name/register",
      ({ params, body }) =>
        inContext(`register functions of plugin ${params.name}`, async () => {
          await registerFunctions(deps.ctx, params.name, body.functions);
          return `function plugin ${params.name} function list is registered`;
        }),
      {
        params: NameParams,
        body: FunctionListSchema,
        response: answers({ 200: Sentence }),
        detail: { tags: ["functions"], ...changes("functions", "param") },
      },
    );
}

function typeRoutes(type: NativeType, deps: NativeRouteDeps) {
  return new Elysia({ name: `native-${type}` })
    .use(typeReads(type, deps.ctx))
    .use(typeChanges(type, deps));
}

/** A plain string keeps Elysia from typing each route path as a union of three. */
const baseOf = (type: NativeType): string => `/plugins/${type}`;

function typeReads(type: NativeType, ctx: InstallContext) {
  const base = baseOf(type);
  const detail = { tags: [type] };
  return new Elysia({ name: `native-${type}-reads` })
    .get(
      `${base}/prebuild`,
      () =>
        inContext(`list prebuilt ${type} plugins`, () =>
          prebuildList(type, prebuildSettings(ctx), currentPlatform()),
        ),
      { detail, response: answers({ 200: t.Record(t.String(), t.String()) }) },
    )
    .get(base, () => jsonList(listPlugins(ctx, type)), {
      detail,
      response: answers({ 200: NameList }),
    })
    .get(
      `${base}/:name`,
      ({ params }) =>
        inContext(`describe ${type} plugin ${params.name}`, () =>
          describeNative(ctx, type, params.name),
        ),
      { params: NameParams, detail, response: answers({ 200: NativeDescription }) },
    );
}

// Over 40 lines: one Elysia chain of three routes, kept whole so Elysia infers each one's types.
function typeChanges(type: NativeType, deps: NativeRouteDeps) {
  const { ctx } = deps;
  const kind = nativeKind(type);
  const base = baseOf(type);
  const named = { detail: { tags: [type], ...changes(type, "param") } };
  return new Elysia({ name: `native-${type}-changes` })
    .post(
      base,
      ({ body, status }) =>
        inContext(`create ${type} plugin ${body.name}`, async () => {
          await createPlugin(ctx, kind, body);
          return status(201, `${type} plugin ${body.name} is created`);
        }),
      {
        body: InstallBodySchema,
        detail: { tags: [type], ...changes(type, "body") },
        response: answers({ 201: Sentence }),
      },
    )
    .put(
      `${base}/:name`,
      ({ params, body }) =>
        inContext(`update ${type} plugin ${params.name}`, async () => {
          await updatePlugin(ctx, kind, params.name, body);
          return `plugin ${params.name} is updated and the server must restart for the change to take effect.`;
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
      ({ params, query }) =>
        inContext(`delete ${type} plugin ${params.name}`, async () => {
          await deletePlugin(ctx, kind, params.name);
          const stop = query.stop === "1" || query.restart === "1";
          if (stop) deps.requestStop(100);
          const done = `${type} plugin ${params.name} is deleted`;
          return stop
            ? `${done} and the server will be stopped`
            : `${done} and the server must restart for the change to take effect.`;
        }),
      { ...named, params: NameParams, query: DeleteQuery, response: answers({ 200: Sentence }) },
    );
}

function prebuildSettings(ctx: InstallContext) {
  const { prebuild, basic } = ctx.config;
  return {
    pluginHosts: basic.pluginHosts,
    version: prebuild.version,
    names: { sources: prebuild.sources, sinks: prebuild.sinks, functions: prebuild.functions },
  };
}
