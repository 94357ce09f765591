// What each change route changes, declared in its own config; the audit reads it from there.
import { InternalError } from "../errors.ts";
import type { PluginKind } from "../store/plugins-repo.ts";
import type { Store } from "../store/store.ts";

/** The methods of create, update, delete, register, upload and the symbol operations. */
const changeMethods: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * A plugin of a kind, or an upload, named by the route's `:name` or by the body's name; or
 * the whole plugin set (`fleet`: an import), which names no single plugin.
 */
export interface ChangeTarget {
  readonly kind: PluginKind | "uploads" | "fleet";
  readonly nameFrom: "param" | "body";
  /** With nameFrom "param": which parameter holds the name (default `name`). */
  readonly param?: string;
}

const key = "x-plugd-changes";

/**
 * The `detail` fields that declare what a route changes, e.g.
 * `detail: { tags, ...changes("sources", "param") }`. They show in the OpenAPI description too.
 */
export function changes(
  kind: ChangeTarget["kind"],
  nameFrom: ChangeTarget["nameFrom"],
  param?: string,
): { [key]: ChangeTarget } {
  return { [key]: { kind, nameFrom, ...(param !== undefined && { param }) } };
}

/** True for the methods whose requests are audited. */
export function isChange(method: string): boolean {
  return changeMethods.has(method);
}

interface RouteLike {
  readonly method: string;
  readonly path: string;
  readonly hooks?: unknown;
}

/** The declared targets of every change route, by method and route pattern. */
export class RouteChanges {
  readonly #targets = new Map<string, ChangeTarget>();

  /**
   * Reads the declarations of `routes`. Throws InternalError naming a change route that
   * declares nothing, so that a new route cannot go unaudited by accident.
   */
  load(routes: readonly RouteLike[]): void {
    for (const route of routes) {
      if (!isChange(route.method)) continue;
      const target = declaredIn(route.hooks);
      if (!target) {
        throw new InternalError(`route ${route.method} ${route.path} declares no changes(…)`);
      }
      this.#targets.set(`${route.method} ${route.path}`, target);
    }
  }

  /**
   * What the request changes: the kind, and the name from the route's parameters or the body
   * (create and upload carry it there). Undefined for a request no route took.
   */
  targetOf(
    method: string,
    route: string | undefined,
    params: Record<string, string | undefined> | undefined,
    body: unknown,
  ): { kind: ChangeTarget["kind"]; name: string | undefined } | undefined {
    const target = route === undefined ? undefined : this.#targets.get(`${method} ${route}`);
    if (!target) return undefined;
    const name = target.nameFrom === "param" ? params?.[target.param ?? "name"] : nameInBody(body);
    return { kind: target.kind, name };
  }
}

/** The sha256 the store holds now for the target's zip (or uploaded file), if any. */
export function storedSha256(
  store: Store,
  target: { kind: ChangeTarget["kind"]; name: string | undefined } | undefined,
): string | null {
  if (target?.name === undefined || target.kind === "fleet") return null;
  if (target.kind === "uploads") return store.uploads.get(target.name)?.sha256 ?? null;
  return store.plugins.get(target.kind, target.name)?.sha256 ?? null;
}

function declaredIn(hooks: unknown): ChangeTarget | undefined {
  if (typeof hooks !== "object" || hooks === null || !("detail" in hooks)) return undefined;
  const detail = hooks.detail;
  if (typeof detail !== "object" || detail === null || !(key in detail)) return undefined;
  return (detail as { [key]: ChangeTarget })[key];
}

function nameInBody(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  if ("name" in body && typeof body.name === "string") return body.name;
  // A multipart upload's file (a MultipartBody) is named once its part headers are read.
  if (!("uploadFile" in body)) return undefined;
  const file = body.uploadFile;
  if (typeof file !== "object" || file === null || !("name" in file)) return undefined;
  return typeof file.name === "string" ? file.name : undefined;
}
