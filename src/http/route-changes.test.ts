import { describe, expect, test } from "bun:test";
import { changes, RouteChanges } from "./route-changes.ts";

const declared = (kind: "sinks" | "uploads", from: "param" | "body") => ({
  detail: { tags: [kind], ...changes(kind, from) },
});

describe("RouteChanges", () => {
  test("refuses a change route that declares nothing, naming it", () => {
    const routes = [
      { method: "GET", path: "/plugins/sinks", hooks: {} },
      { method: "DELETE", path: "/plugins/sinks/:name", hooks: { detail: { tags: ["sinks"] } } },
    ];
    expect(() => new RouteChanges().load(routes)).toThrow(
      "route DELETE /plugins/sinks/:name declares no changes(…)",
    );
  });

  test("names the target from the route's parameter or from the body, as declared", () => {
    const table = new RouteChanges();
    table.load([
      { method: "DELETE", path: "/plugins/sinks/:name", hooks: declared("sinks", "param") },
      { method: "POST", path: "/config/uploads", hooks: declared("uploads", "body") },
    ]);
    expect(table.targetOf("DELETE", "/plugins/sinks/:name", { name: "file" }, undefined)).toEqual({
      kind: "sinks",
      name: "file",
    });
    const upload = { uploadFile: new File(["x"], "a.zip") };
    expect(table.targetOf("POST", "/config/uploads", {}, upload)).toEqual({
      kind: "uploads",
      name: "a.zip",
    });
    expect(table.targetOf("POST", "/config/uploads", {}, { name: "b.txt" })?.name).toBe("b.txt");
  });

  test("knows no target for a request no declared route took", () => {
    const table = new RouteChanges();
    table.load([]);
    expect(table.targetOf("POST", undefined, undefined, { name: "x" })).toBeUndefined();
    expect(table.targetOf("POST", "/nowhere", {}, { name: "x" })).toBeUndefined();
  });
});
