// TypeBox models of the request bodies and parameters, shared by the route modules.
import { t } from "elysia";

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
