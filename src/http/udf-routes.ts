// Routes of the global function registry: /plugins/udfs.
import { Elysia } from "elysia";
import type { InstallContext } from "../install/context.ts";
import { describeFunction, listFunctions } from "../services/plugin-queries.ts";
import { inContext } from "./in-context.ts";
import { answers, FunctionOwner, NameList, NameParams } from "./schemas.ts";

/** Every function name of every plugin, native and portable, and which plugin owns one. */
export function udfRoutes(ctx: InstallContext) {
  const detail = { tags: ["functions"] };
  return new Elysia({ name: "udfs" })
    .get("/plugins/udfs", () => listFunctions(ctx), {
      detail,
      response: answers({ 200: NameList }),
    })
    .get(
      "/plugins/udfs/:name",
      ({ params }) =>
        inContext(`describe function ${params.name}`, () => describeFunction(ctx, params.name)),
      { params: NameParams, detail, response: answers({ 200: FunctionOwner }) },
    );
}
