// (plugd) Routes that let a rule engine drive a portable plugin: start/stop symbols, call functions.
import { Elysia, t } from "elysia";
import { badRequest, notFound } from "../errors.ts";
import type { InstallContext } from "../install/context.ts";
import type { SymbolControl } from "../portable/commands.ts";
import type { PortablePlugin } from "../portable/portable-plugin.ts";
import { inContext } from "./in-context.ts";
import { NameParams } from "./schemas.ts";

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
  const detail = { tags: ["portables"] };
  const running = (name: string): PortablePlugin => {
    const plugin = ctx.portables.get(name);
    if (plugin) return plugin;
    if (ctx.store.plugins.get("portables", name)) {
      throw badRequest(`portable plugin ${name} is not running`);
    }
    throw notFound(`portable plugin ${name} is not found`);
  };
  const control = (body: typeof ControlBody.static): SymbolControl => body;
  const base = "/plugins/portables/:name";
  return new Elysia({ name: "portable-symbols" })
    .post(
      `${base}/symbols/start`,
      ({ params, body }) =>
        inContext(`start ${body.pluginType} ${body.symbolName} of ${params.name}`, async () => {
          await running(params.name).startSymbol(control(body));
          return `${body.pluginType} ${body.symbolName} of portable plugin ${params.name} is started`;
        }),
      { params: NameParams, body: ControlBody, detail },
    )
    .post(
      `${base}/symbols/stop`,
      ({ params, body }) =>
        inContext(`stop ${body.pluginType} ${body.symbolName} of ${params.name}`, async () => {
          await running(params.name).stopSymbol(control(body));
          return `${body.pluginType} ${body.symbolName} of portable plugin ${params.name} is stopped`;
        }),
      { params: NameParams, body: ControlBody, detail },
    )
    .post(
      `${base}/functions/:fn/call`,
      ({ params, body }) =>
        inContext(`call ${body.func} of function ${params.fn}`, () =>
          running(params.name).callFunction(params.fn, body.func, body.arg),
        ),
      { params: t.Object({ name: t.String(), fn: t.String() }), body: CallBody, detail },
    );
}
