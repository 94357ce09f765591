// GET /fleet: the fleet agent's connection, groups and last apply, or {"enabled": false}.
import { Elysia, t } from "elysia";
import type { FleetView } from "../lifecycle/fleet-agent.ts";
import { answers } from "./schemas.ts";

const FleetAnswer = t.Union([
  t.Object({ enabled: t.Literal(false) }),
  t.Object(
    {
      enabled: t.Literal(true),
      connection: t.String({ description: "connecting, connected, reconnecting, unauthorized" }),
      broker: t.String(),
      protocolVersion: t.String(),
      clientId: t.String(),
      groups: t.Array(t.String()),
      prefix: t.String(),
      signatureRequired: t.Boolean(),
      state: t.String({ description: "idle, applying, applied, failed or deferred" }),
      appliedSha256: t.String(),
      desiredSha256: t.String(),
      lastApply: t.Unknown(),
      lastError: t.String(),
    },
    { additionalProperties: true },
  ),
]);

/** GET /fleet, answered from `view`. */
export function fleetAgentRoutes(view: FleetView) {
  return new Elysia({ name: "fleet-agent" }).get("/fleet", () => view.report(), {
    detail: { tags: ["fleet"] },
    response: answers({ 200: FleetAnswer }),
  });
}
