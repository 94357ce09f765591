// The Elysia plugin in front of every route: cross-site refusal, the gate, body caps, audit.
import { Elysia, ElysiaCustomStatusResponse } from "elysia";
import type { AuditLog } from "../auth/audit-log.ts";
import type { Gate } from "../auth/gate.ts";
import type { Store } from "../store/store.ts";
import { type BodyLimits, parseBody } from "./body-limit.ts";
import { refuseCrossSite } from "./cross-site.ts";
import { isChange, type RouteChanges, storedSha256 } from "./route-changes.ts";

export interface AccessControlDeps {
  readonly gate: Gate;
  readonly limits: BodyLimits;
  readonly audit: AuditLog;
  readonly store: Store;
  /** What each change route declares it changes (filled once every route is added). */
  readonly changes: RouteChanges;
}

/** What the first hook learns of a request, for the audit line written by the last. */
interface Admitted {
  readonly time: string;
  readonly started: number;
  readonly client: string | undefined;
  readonly identity: string;
  /** Set for change requests only; a DELETE's sha256 is read before the row goes. */
  readonly change: { shaBefore: string | null } | undefined;
}

/**
 * Refuses (403) a browser's change request or WebSocket upgrade that another site's page
 * started, whatever its credentials: without tokens, loopback and trusted clients need none, so
 * a hostile page in a browser on such a machine could otherwise change plugd (CSRF). Then it
 * admits each request before routing (401/403 otherwise), caps its body (413), and writes one
 * audit line for every admitted change request, whatever its status, before the answer leaves.
 * Requests the gate refuses are not audited: they changed nothing (the log has them).
 */
export function accessControl(deps: AccessControlDeps) {
  const admitted = new WeakMap<Request, Admitted>();
  const byAddress = deps.gate.admitByAddress;
  return new Elysia({ name: "access-control" })
    .onRequest(
      // Without tokens the gate answers at once, so the hook stays synchronous: no promise per request.
      byAddress
        ? ({ request, server }) => {
            refuseCrossSite(request);
            const client = server?.requestIP(request)?.address;
            const identity = byAddress(client);
            // Only a change request is audited: a read needs nothing kept (nor allocated).
            if (isChange(request.method)) admitted.set(request, noted(request, client, identity));
          }
        : async ({ request, server }) => {
            refuseCrossSite(request);
            const client = server?.requestIP(request)?.address;
            admitted.set(request, await admit(deps.gate, request, client));
          },
    )
    .onParse({ as: "global" }, ({ request }) => parseBody(request, deps.limits))
    .onTransform({ as: "global" }, ({ request, route, params }) => {
      const change = admitted.get(request)?.change;
      if (!change || request.method !== "DELETE") return;
      const target = deps.changes.targetOf(request.method, route, params, undefined);
      change.shaBefore = storedSha256(deps.store, target);
    })
    .mapResponse({ as: "global" }, async ({ request, response, set, body, route, params }) => {
      const state = admitted.get(request);
      if (!state?.change) return;
      const path = new URL(request.url).pathname;
      const target = deps.changes.targetOf(request.method, route, params, body);
      const status = statusOf(response, set.status);
      await deps.audit.write({
        time: state.time,
        client: state.client ?? null,
        identity: state.identity,
        method: request.method,
        path,
        plugin: target?.name ?? null,
        // A delete reports what it removed; the others what is in place after them.
        sha256:
          status >= 300
            ? null
            : request.method === "DELETE"
              ? state.change.shaBefore
              : storedSha256(deps.store, target),
        status,
        durationMs: Math.round((performance.now() - state.started) * 10) / 10,
      });
    });
}

/** Asks the gate (which throws 401/403) and notes what the audit line needs. */
async function admit(gate: Gate, request: Request, client: string | undefined): Promise<Admitted> {
  const started = performance.now();
  const identity = await gate.admit({
    path: new URL(request.url).pathname,
    authorization: request.headers.get("authorization"),
    address: client,
  });
  return noted(request, client, identity, started);
}

/** What the audit line of a change request needs; the clock is read only for those. */
function noted(
  request: Request,
  client: string | undefined,
  identity: string,
  started = performance.now(),
): Admitted {
  if (!isChange(request.method)) return { time: "", started, client, identity, change: undefined };
  return { time: new Date().toISOString(), started, client, identity, change: { shaBefore: null } };
}

/** The status the answer will carry: handlers return values, status() results or Responses. */
function statusOf(response: unknown, setStatus: unknown): number {
  if (response instanceof Response) return response.status;
  if (response instanceof ElysiaCustomStatusResponse) return Number(response.code);
  return typeof setStatus === "number" ? setStatus : 200;
}
