// /openapi/json describes the answers of every route, not only the requests.
import { describe, expect, test } from "bun:test";
import { startServer } from "./support/server.ts";

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

describe("the OpenAPI description", () => {
  test("gives every route its answer (success, or the 501 it always gives) and eKuiper's error body", async () => {
    await using server = await startServer();
    const spec = (await (await server.request("/openapi/json")).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const missing: string[] = [];
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const codes = Object.keys(op.responses ?? {});
        // A route that can only refuse (501: native plugins run only in eKuiper) says so instead.
        const ok = codes.some((code) => code === "200" || code === "201" || code === "501");
        const error = op.responses?.["400"]?.content?.["application/json"]?.schema;
        if (!ok || error === undefined) missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test("names what each change route changes", async () => {
    await using server = await startServer();
    const spec = (await (await server.request("/openapi/json")).json()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(spec.paths["/plugins/sinks/{name}"]?.delete?.["x-plugd-changes"]).toEqual({
      kind: "sinks",
      nameFrom: "param",
    });
    expect(spec.paths["/config/uploads"]?.post?.["x-plugd-changes"]).toEqual({
      kind: "uploads",
      nameFrom: "body",
    });
  });
});
