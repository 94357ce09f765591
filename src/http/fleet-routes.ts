// eKuiper's /data/export and /data/import (and the v2 YAML forms), for fleets of gateways.
import { Elysia, t } from "elysia";
import { asObjects, exportConfiguration } from "../fleet/export.ts";
import { importConfiguration, importStatus } from "../fleet/fleet-service.ts";
import { ImportTasks } from "../fleet/import-tasks.ts";
import type { InstallContext } from "../install/context.ts";
import { inContext } from "./in-context.ts";
import { changes } from "./route-changes.ts";
import { answers } from "./schemas.ts";

const detail = { tags: ["data"] };
const ImportBody = t.Object({
  content: t.Optional(t.String({ description: "the export itself, as text" })),
  file: t.Optional(t.String({ description: "http(s):// URL, or file:// inside data/uploads" })),
});
const ImportQuery = t.Object({
  partial: t.Optional(t.String({ description: "1: install only what is absent" })),
  stop: t.Optional(t.String({ description: "accepted as eKuiper does; plugd needs no restart" })),
  dryRun: t.Optional(t.String({ description: "1: answer the plan and change nothing" })),
});
const Sections = t.Record(t.String(), t.Record(t.String(), t.Unknown()));
const ImportAnswer = t.Object({
  ErrorMsg: t.String(),
  ConfigResponse: Sections,
  plan: t.Array(
    t.Object({ key: t.String(), type: t.String(), name: t.String(), action: t.String() }),
  ),
  dryRun: t.Optional(t.Boolean()),
  pending: t.Optional(t.String()),
});

const exportHeaders = (type: string, file: string) => ({
  "content-type": type,
  "content-disposition": `attachment; filename="${file}"`,
});

/** GET/POST /data/export, GET /v2/data/export, POST /data/import and /v2/data/import, status. */
export function fleetRoutes(ctx: InstallContext) {
  const exportJson = () =>
    new Response(JSON.stringify(exportConfiguration(ctx)), {
      headers: exportHeaders("application/json", "ekuiper_export.json"),
    });
  const exportYaml = () =>
    new Response(Bun.YAML.stringify(asObjects(exportConfiguration(ctx)), null, 2), {
      headers: exportHeaders("application/yaml", "ekuiper_export.yaml"),
    });
  return new Elysia({ name: "fleet" })
    .get("/data/export", exportJson, { detail, response: answers({ 200: Sections }) })
    .post("/data/export", exportJson, {
      body: t.Optional(t.Unknown({ description: "rule ids; plugd has no rules and exports all" })),
      detail: { ...detail, ...changes("fleet", "body") },
      response: answers({ 200: Sections }),
    })
    .get("/v2/data/export", exportYaml, {
      detail,
      response: answers({ 200: t.String({ description: "YAML" }) }),
    })
    .post("/data/import", importRoute(ctx, false), importConfig)
    .post("/v2/data/import", importRoute(ctx, true), importConfig)
    .use(asyncRoutes(ctx))
    .get("/data/import/status", () => importStatus(ctx), {
      detail,
      response: answers({ 200: Sections }),
    });
}

/** eKuiper's async import: POST /async/data/import, GET /async/task/{id}, POST …/cancel. */
function asyncRoutes(ctx: InstallContext) {
  const tasks = new ImportTasks();
  const TaskParams = t.Object({ id: t.String() });
  return new Elysia({ name: "fleet-async" })
    .post(
      "/async/data/import",
      ({ body, query }) => {
        const partial = query.partial === "1";
        const id = tasks.start((task) =>
          importConfiguration(ctx, body, { partial, dryRun: false, v2: false, task }),
        );
        return { id };
      },
      { ...importConfig, response: answers({ 200: t.Object({ id: t.String() }) }) },
    )
    .get(
      "/async/task/:id",
      ({ params }) => inContext(`async task ${params.id}`, () => tasks.get(params.id)),
      { params: TaskParams, detail, response: answers({ 200: TaskBody }) },
    )
    .post(
      "/async/task/:id/cancel",
      ({ params }) =>
        inContext(`cancel async task ${params.id}`, () => {
          tasks.cancel(params.id);
          return "cancel success";
        }),
      {
        params: TaskParams,
        detail: { ...detail, ...changes("fleet", "body") },
        response: answers({ 200: t.String() }),
      },
    );
}

const TaskBody = t.Object({
  id: t.String(),
  status: t.Union([
    t.Literal("register"),
    t.Literal("running"),
    t.Literal("finish"),
    t.Literal("error"),
    t.Literal("cancel"),
  ]),
  message: t.String(),
  createdTimestamp: t.Number(),
  updatedTimestamp: t.Number(),
  progress: t.Object({
    done: t.Number(),
    total: t.Number(),
    current: t.Union([t.String(), t.Null()]),
  }),
});

const importConfig = {
  body: ImportBody,
  query: ImportQuery,
  detail: { ...detail, ...changes("fleet", "body") },
  response: answers({ 200: ImportAnswer }),
};

function importRoute(ctx: InstallContext, v2: boolean) {
  return ({ body, query }: { body: typeof ImportBody.static; query: typeof ImportQuery.static }) =>
    inContext("import", async () => {
      const options = { partial: query.partial === "1", dryRun: query.dryRun === "1", v2 };
      const answer = await importConfiguration(ctx, body, options);
      // eKuiper restarts to load native plugins; plugd loads nothing, so nothing waits.
      return query.stop === "1"
        ? { ...answer, pending: "nothing: plugd needs no restart" }
        : answer;
    });
}
