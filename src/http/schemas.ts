// TypeBox models of the request bodies and parameters, shared by the route modules.
import { type TSchema, t } from "elysia";

export const NameParams = t.Object({ name: t.String({ description: "plugin name" }) });

export const InstallBodySchema = t.Object({
  name: t.String({ description: "plugin name: letters, digits, '_' and '-'" }),
  file: t.String({ description: "http://, https:// or file:// URL of the plugin zip" }),
  shellParas: t.Optional(t.Array(t.String(), { description: "arguments for install.sh" })),
  functions: t.Optional(
    t.Array(t.String(), { description: "function plugins: the functions it exports" }),
  ),
  sha256: t.Optional(t.String({ description: "(plugd) expected SHA-256 of the zip, hex" })),
});

export const FunctionListSchema = t.Object({
  functions: t.Array(t.String(), { description: "the plugin's whole function list" }),
});

export const DeleteQuery = t.Object({
  stop: t.Optional(t.String({ description: "1: stop the server after answering (exit 100)" })),
  restart: t.Optional(t.String({ description: "older name of stop" })),
});

export const ErrorBody = t.Object({ error: t.Number(), message: t.String() });

/**
 * The answers every route may give besides its own: eKuiper's error body, for the reasons given.
 * They are added to the OpenAPI description (withErrorAnswers), not to each route's `response`:
 * errors leave as whole Responses from the error handler, which Elysia does not validate, yet it
 * would compile a validator for each of them in every route at that route's first request.
 */
const errorAnswers: Readonly<Record<number, string>> = {
  400: "bad request: invalid input, a refused plugin or a step that failed",
  401: "authentication is on and the request has no valid token",
  403: "refused: not a trusted client, or a browser request from another site",
  404: "no such plugin, function or route",
  409: "conflicts with what is installed or running",
  413: "the body is over its cap",
  500: "an internal fault; its id is in the x-plugd-error-id header and the log",
};

/** A route's `response` config: the answers of its own (see errorAnswers for the rest). */
export function answers<Own extends Record<number, TSchema>>(own: Own): Own {
  return own;
}

const methods = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

/** Adds eKuiper's error body, for each error status, to every operation of OpenAPI `paths`. */
export function withErrorAnswers<Paths extends Record<string, object | undefined>>(
  paths: Paths,
): Paths {
  for (const item of Object.values(paths)) {
    for (const method of methods) {
      const operation = (item as Record<string, { responses?: Record<string, unknown> }>)[method];
      if (operation === undefined) continue;
      const responses = operation.responses ?? {};
      for (const [status, description] of Object.entries(errorAnswers)) {
        responses[status] ??= {
          description,
          content: { "application/json": { schema: ErrorBody } },
        };
      }
      operation.responses = responses;
    }
  }
  return paths;
}

/** A plain-text sentence such as "sources plugin random is created". */
export const Sentence = t.String({ description: "what was done, in a sentence" });

export const NameList = t.Array(t.String());

export const NativeDescription = t.Object({
  name: t.String(),
  version: t.String(),
  functions: t.Optional(t.Array(t.String())),
  goPackages: t.Optional(t.Number({ description: "Go packages the library carries" })),
  loadableBy: t.Optional(
    t.Object({ binary: t.String(), ok: t.Boolean(), mismatched: t.Array(t.String()) }),
  ),
});

export const PortableStatusBody = t.Object({
  refCount: t.Record(t.String(), t.Number(), { description: "symbols started, per rule id" }),
  status: t.Union([
    t.Literal("initializing"),
    t.Literal("running"),
    t.Literal("error"),
    t.Literal("stop"),
  ]),
  errMsg: t.String(),
  pid: t.Number(),
  restarts: t.Number(),
  startedAt: t.Union([t.String(), t.Null()]),
});

export const PortableInfoBody = t.Object({
  name: t.String(),
  version: t.String(),
  language: t.String(),
  executable: t.String({ description: "absolute path" }),
  sources: t.Array(t.String()),
  sinks: t.Array(t.String()),
  functions: t.Array(t.String()),
  virtualEnvType: t.Optional(t.String()),
  env: t.Optional(t.String()),
});

export const PortableDescription = t.Composite([
  t.Object({
    name: t.String(),
    version: t.String(),
    language: t.String(),
    executable: t.String(),
    sources: t.Array(t.String()),
    sinks: t.Array(t.String()),
    functions: t.Array(t.String()),
    virtualEnvType: t.Optional(t.String()),
    env: t.Optional(t.String()),
  }),
  PortableStatusBody,
]);

export const FunctionOwner = t.Object({ name: t.String(), plugin: t.String() });

export const FuncReplyBody = t.Object({ state: t.Boolean(), result: t.Unknown() });
