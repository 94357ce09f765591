// Routes of the global function registry: /plugins/udfs.
import { Elysia } from "elysia";
import { notFound } from "../errors.ts";
import type { InstallContext } from "../install/context.ts";
import { checkName } from "../install/names.ts";
import { inContext } from "./in-context.ts";
import { NameParams } from "./schemas.ts";

/** Every function name of every plugin, native and portable, and which plugin owns one. */
export function udfRoutes(ctx: InstallContext) {
  const detail = { tags: ["functions"] };
  return new Elysia({ name: "udfs" })
    .get("/plugins/udfs", () => ctx.store.functions.names(), { detail })
    .get(
      "/plugins/udfs/:name",
      ({ params }) =>
        inContext(`describe function ${params.name}`, () => {
          const name = checkName(params.name, "function");
          const owner = ctx.store.functions.owner(name);
          if (!owner) throw notFound(`function ${name} is not found`);
          return { name, plugin: owner.name };
        }),
      { params: NameParams, detail },
    );
}
