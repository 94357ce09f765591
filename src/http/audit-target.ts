// What a change request acts on, for its audit line: the plugin or upload, and its zip's sha256.
import type { PluginKind } from "../store/plugins-repo.ts";
import type { Store } from "../store/store.ts";

/** The methods of create, update, delete, register and upload. */
const changeMethods: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

const pluginKinds: ReadonlySet<string> = new Set(["sources", "sinks", "functions", "portables"]);

/** A plugin of a type, an upload, or something else named `name`. */
export interface AuditTarget {
  readonly kind: PluginKind | "uploads" | undefined;
  readonly name: string | undefined;
}

/** True for the methods whose requests are audited. */
export function isChange(method: string): boolean {
  return changeMethods.has(method);
}

/**
 * Reads the target from the path (`/plugins/{type}/{name}…`, `/config/uploads/{name}`), or
 * from the body when the path names none (create and upload carry the name there).
 */
export function auditTarget(path: string, body: unknown): AuditTarget {
  const [, top, section, named] = path.split("/").map(decodeSegment);
  const kind =
    top === "plugins" && section !== undefined && pluginKinds.has(section)
      ? (section as PluginKind)
      : top === "config" && section === "uploads"
        ? "uploads"
        : undefined;
  return { kind, name: named || nameInBody(body) };
}

/** The sha256 the store holds now for the target's zip (or uploaded file), if any. */
export function storedSha256(store: Store, target: AuditTarget): string | null {
  const { kind, name } = target;
  if (kind === undefined || name === undefined) return null;
  if (kind === "uploads") return store.uploads.get(name)?.sha256 ?? null;
  return store.plugins.get(kind, name)?.sha256 ?? null;
}

function nameInBody(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  if ("name" in body && typeof body.name === "string") return body.name;
  if ("uploadFile" in body && body.uploadFile instanceof File) return body.uploadFile.name;
  return undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
