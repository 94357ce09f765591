// createApp: the Elysia root with the error handler, OpenAPI and every route module; never listens.
import { type AnyElysia, Elysia } from "elysia";
import type { DataPlane } from "./dataplane/data-plane.ts";
import { AppError, badRequest, describeError, ErrorCode, internal } from "./errors.ts";
import { type AccessControlDeps, accessControl } from "./http/access-control.ts";
import { dataPlaneRoutes } from "./http/dataplane-routes.ts";
import { fleetAgentRoutes } from "./http/fleet-agent-routes.ts";
import { fleetRoutes } from "./http/fleet-routes.ts";
import { nativeRoutes } from "./http/native-routes.ts";
import { portableRoutes } from "./http/portable-routes.ts";
import { RouteChanges } from "./http/route-changes.ts";
import { withErrorAnswers } from "./http/schemas.ts";
import { type ServerFactsDeps, serverFactsRoutes } from "./http/server-facts-routes.ts";
import { serverRoutes } from "./http/server-routes.ts";
import { streamRoutes } from "./http/stream-routes.ts";
import { udfRoutes } from "./http/udf-routes.ts";
import { uiRoutes } from "./http/ui-routes.ts";
import { uploadRoutes } from "./http/upload-routes.ts";
import type { InstallContext } from "./install/context.ts";
import type { FleetView } from "./lifecycle/fleet-agent.ts";

export interface AppDeps {
  ctx: InstallContext;
  version: string;
  startedAt: number;
  requestStop: (code: number) => void;
  /** The source streams and sessions of the portable plugins. */
  dataPlane: DataPlane;
  /** GET /fleet: the fleet agent, or that there is none. */
  fleet: FleetView;
  /** The gate, body caps and audit log, used before every route (the OpenAPI one included). */
  access: Omit<AccessControlDeps, "changes">;
  /** GET /plugd/server: the access mode and trusted networks it reports. */
  accessMode: ServerFactsDeps["access"];
}

/** Builds the whole REST API. */
export function createApp(deps: AppDeps) {
  const log = deps.ctx.logger.child({ module: "http" });
  const described: OpenApiSource = {};
  const changes = new RouteChanges();
  const app = new Elysia()
    .onError(({ error, code, request }) => {
      const answer = toAppError(error, code, request);
      const id = crypto.randomUUID().slice(0, 8);
      const fields = { errorId: id, method: request.method, path: new URL(request.url).pathname };
      if (answer.status >= 500) log.error(answer.message, { ...fields, cause: error });
      else log.info(answer.message, { ...fields, status: answer.status });
      // A whole Response, not `set`: touching `set` here makes Elysia prepare it for every request.
      return Response.json(answer.toBody(), {
        status: answer.status,
        headers: { "x-plugd-error-id": id },
      });
    })
    .use(accessControl({ ...deps.access, changes }))
    // The JSON description only: @elysia/openapi's UI pages load their scripts from a CDN, which
    // a gateway often cannot reach.
    .get("/openapi/json", () => openApiDescription(described, deps.version), {
      detail: { hide: true },
    })
    .use(serverRoutes({ version: deps.version, startedAt: deps.startedAt }))
    .use(serverFactsRoutes(deps.ctx, { ...deps, access: deps.accessMode }))
    .use(nativeRoutes({ ctx: deps.ctx, requestStop: deps.requestStop }))
    .use(portableRoutes(deps.ctx))
    .use(streamRoutes(deps.ctx, deps.dataPlane))
    .use(dataPlaneRoutes(deps.ctx, deps.dataPlane))
    .use(udfRoutes(deps.ctx))
    .use(uploadRoutes(deps.ctx))
    .use(fleetRoutes(deps.ctx))
    .use(fleetAgentRoutes(deps.fleet))
    .use(uiRoutes());
  changes.load(app.routes);
  described.app = app;
  return app;
}

interface OpenApiSource {
  app?: AnyElysia;
  description?: Promise<Record<string, unknown>>;
}

/**
 * The OpenAPI description of every route of `source.app`, built at the first request and kept:
 * the generator is loaded then rather than at start, which it would slow down for everyone.
 */
function openApiDescription(source: OpenApiSource, version: string) {
  source.description ??= (async () => {
    const { toOpenAPISchema } = await import("@elysia/openapi/openapi");
    // An internal fault: createApp sets `app` before it returns, so no request can come first.
    if (!source.app) throw internal("the OpenAPI description was asked for before the routes");
    const { paths, components } = toOpenAPISchema(source.app);
    const info = { title: "plugd", description: "eKuiper plugin-management REST API", version };
    return { openapi: "3.1.2", info, paths: withErrorAnswers(paths), components };
  })().catch((err: unknown) => {
    delete source.description;
    throw err;
  });
  return source.description;
}

/** Elysia's own errors become eKuiper's: bad input is 400/1000, an unknown route 404/1002. */
function toAppError(error: unknown, code: string | number, request: Request): AppError {
  if (error instanceof AppError) return error;
  switch (code) {
    case "VALIDATION":
      return new AppError(400, ErrorCode.general, `invalid request: ${validationSummary(error)}`);
    case "PARSE":
      // Elysia wraps what a parse hook throws; the body caps throw AppErrors (413, 400) there.
      if (error instanceof Error && error.cause instanceof AppError) return error.cause;
      return new AppError(
        400,
        ErrorCode.general,
        "invalid body: it is not valid JSON or form data",
      );
    case "NOT_FOUND":
      return new AppError(
        404,
        ErrorCode.notFound,
        `no route ${request.method} ${new URL(request.url).pathname}`,
      );
    case "INVALID_COOKIE_SIGNATURE":
    case "INVALID_FILE_TYPE":
      return badRequest(describeError(error));
    default:
      return new AppError(500, ErrorCode.general, "internal error; see the server log");
  }
}

function validationSummary(error: unknown): string {
  if (error && typeof error === "object" && "all" in error) {
    const all = (error as { all: unknown }).all;
    if (Array.isArray(all) && all.length > 0) {
      const first = all[0] as { path?: string; summary?: string; message?: string };
      const where = first.path ? `${first.path.replace(/^\//, "").replaceAll("/", ".")}: ` : "";
      return `${where}${first.summary ?? first.message ?? "does not match the schema"}`;
    }
  }
  return "the body or parameters do not match the schema";
}
