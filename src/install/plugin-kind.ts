// What differs between plugin kinds; everything else about an install is src/install/install-flow.ts.
import type { PortableManifest } from "../portable/manifest.ts";
import type { PluginKind, PluginRecord } from "../store/plugins-repo.ts";
import type { ZipArchive } from "../zip/zip-archive.ts";
import type { Undo } from "./commit.ts";
import type { InstallContext } from "./context.ts";
import type { InstallRequest } from "./install-request.ts";
import type { Symbols } from "./ownership.ts";
import type { PluginFacts } from "./plugin-record.ts";
import type { Staging } from "./staging.ts";

/** One file entry of the zip and where it goes. */
export interface Placement {
  entry: string;
  /** "home": `path` is relative to the home folder; "work": to the private work folder. */
  area: "home" | "work";
  path: string;
}

/** How a checked zip becomes this kind's plugin: the kind's layout rules, applied. */
export interface InstallPlan {
  placed: Placement[];
  /** The top-level home paths the commit moves in: files, or folders moved as one. */
  items: string[];
  /** Home paths of the current version that the change leaves alone (a user's source yaml). */
  kept: string[];
  /** Where install.sh runs, when the zip has one. */
  script: Omit<Placement, "entry"> | undefined;
  /** The sources and sinks the plugin provides, unique across every plugin. */
  symbols: Symbols;
  /** A portable plugin's manifest, read from the zip. */
  manifest: PortableManifest | null;
  /** The row to write once the change is committed (less what only the download knows). */
  facts: Omit<PluginFacts, "type" | "name" | "request" | "sha256" | "files" | "manifest">;
}

/** The rules of one kind of plugin (a native type, or portables). */
export interface KindRules {
  readonly type: PluginKind;
  /** How messages name the kind: "sources plugin x", "portable plugin x". */
  readonly label: string;
  /** Whether a plugin named `other` of this kind would use the same files as one named `name`. */
  sharesFiles(name: string, other: string): boolean;
  /** Reads the zip's entries (and manifest) and plans the layout; throws 400 for a broken rule. */
  plan(zip: ZipArchive, request: InstallRequest, home: string): Promise<InstallPlan>;
  /** Checks the staged files before anything is committed; throws 400 to refuse. */
  check(ctx: InstallContext, staging: Staging, plan: InstallPlan, name: string): void;
  /** Home paths a delete of `record` removes. */
  filesOf(ctx: InstallContext, record: PluginRecord): string[];
  /** Plugins on disk without a row, for adoption at start-up (what cannot be read is logged). */
  scan(ctx: InstallContext): PluginFacts[];
  /** The names of rows whose files are gone from disk. */
  missing(ctx: InstallContext): string[];
  /**
   * Stops what runs from the current files, before they move; gives back how to start it again
   * if the change is undone.
   */
  release(ctx: InstallContext, record: PluginRecord, op: "update" | "delete"): Promise<Undo>;
  /**
   * Starts the new version from its final place, before the rows are written; throws to undo.
   * Gives back how to stop it again if a later step fails.
   */
  activate(ctx: InstallContext, name: string, plan: InstallPlan): Promise<Undo>;
}
