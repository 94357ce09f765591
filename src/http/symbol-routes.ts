// (plugd) Routes that let a rule engine drive a portable plugin: start/stop symbols, call functions.
import { Elysia, t } from "elysia";
import type { InstallContext } from "../install/context.ts";
import type { SymbolControl } from "../portable/commands.ts";
import { runningPortable } from "../services/plugin-queries.ts";
import { inContext } from "./in-context.ts";
import { changes } from "./route-changes.ts";
import { answers, FuncReplyBody, NameParams, Sentence } from "./schemas.ts";

const ControlBody = t.Object({
  symbolName: t.String(),
  pluginType: t.Union([t.Literal("source"), t.Literal("sink"), t.Literal("func")]),
  meta: t.Optional(
    t.Object({ ruleId: t.String(), opId: t.String(), instanceId: t.Integer({ minimum: 0 }) }),
  ),
  dataSource: t.Optional(t.String()),
  config: t.Optional(t.Record(t.String(), t.Unknown())),
});

const CallBody = t.Object({
  func: t.Union([t.Literal("Exec"), t.Literal("Validate"), t.Literal("IsAggregate")]),
  arg: t.Unknown({ description: "Exec: the argument values; Validate: the argument AST nodes" }),
});

/** /plugins/portables/{name}/symbols/{start,stop} and /functions/{fn}/call. */
export function symbolRoutes(ctx: InstallContext) {
  const detail = { tags: ["portables"], ...changes("portables", "param") };
  return new Elysia({ name: "portable-symbols" })
    .use(controlRoute(ctx, "start"))
    .use(controlRoute(ctx, "stop"))
    .post(
      "/plugins/portables/:name/functions/:fn/call",
      ({ params, body }) =>
        inContext(`call ${body.func} of function ${params.fn}`, () =>
          runningPortable(ctx, params.name).callFunction(params.fn, body.func, body.arg),
        ),
      {
        params: t.Object({ name: t.String(), fn: t.String() }),
        body: CallBody,
        detail,
        response: answers({ 200: FuncReplyBody }),
      },
    );
}

/** POST /plugins/portables/{name}/symbols/{action}: one definition for start and stop. */
function controlRoute(ctx: InstallContext, action: "start" | "stop") {
  const done = action === "start" ? "started" : "stopped";
  return new Elysia({ name: `portable-symbols-${action}` }).post(
    `/plugins/portables/:name/symbols/${action}`,
    ({ params, body }) =>
      inContext(`${action} ${body.pluginType} ${body.symbolName} of ${params.name}`, async () => {
        const plugin = runningPortable(ctx, params.name);
        const control: SymbolControl = body;
        await (action === "start" ? plugin.startSymbol(control) : plugin.stopSymbol(control));
        return `${body.pluginType} ${body.symbolName} of portable plugin ${params.name} is ${done}`;
      }),
    {
      params: NameParams,
      body: ControlBody,
      response: answers({ 200: Sentence }),
      detail: { tags: ["portables"], ...changes("portables", "param") },
    },
  );
}
