// POST /data/import as a service: read the export, plan it, apply it or answer the plan.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { downloadToFile } from "../download/fetch-to-file.ts";
import { type AppError, badRequest, describeError } from "../errors.ts";
import type { InstallContext } from "../install/context.ts";
import { downloadOptions } from "../install/fetch-zip.ts";
import { createStaging } from "../install/staging.ts";
import { applyImport, ImportError } from "./apply-import.ts";
import { applyConfigSections } from "./config-sections.ts";
import { type Configuration, emptyConfiguration, parseConfiguration } from "./configuration.ts";
import { type PlanEntry, planImport } from "./import-plan.ts";
import type { TaskContext } from "./import-tasks.ts";
import { importUploads } from "./import-uploads.ts";

/** The largest export file an import reads. */
const maxExportBytes = 16 * 1024 * 1024;

export interface ImportInput {
  content?: string | undefined;
  file?: string | undefined;
}

export interface ImportOptions {
  partial: boolean;
  dryRun: boolean;
  /** The YAML form of /v2/data/import. */
  v2: boolean;
  /** An async task's cancel signal and progress report. */
  task?: TaskContext;
}

/** eKuiper's answer, with plugd's plan after it. */
export interface ImportAnswer {
  ErrorMsg: string;
  ConfigResponse: Configuration;
  plan: { key: string; type: string; name: string; action: string }[];
  dryRun?: true;
}

/** What the last import of each plugd said per key, for GET /data/import/status. */
const statuses = new WeakMap<InstallContext, Configuration>();

export function importStatus(ctx: InstallContext): Configuration {
  return statuses.get(ctx) ?? emptyConfiguration();
}

/**
 * Reads the export (`content`, or `file`: http(s), or file:// inside data/uploads as eKuiper
 * allows), plans it against what is installed and, unless `dryRun`, applies it all or
 * nothing. Throws 400 with eKuiper's messages for a bad body, and, when the plugin set cannot
 * be applied, 400 whose message is the per-key error map as JSON text (as eKuiper answers).
 */
export async function importConfiguration(
  ctx: InstallContext,
  input: ImportInput,
  options: ImportOptions,
): Promise<ImportAnswer> {
  const text = await readExport(ctx, input);
  const config = parseConfiguration(text, options.v2);
  const { entries, errors } = planImport(ctx, config, options.partial);
  const plan = entries.map(({ key, type, name, action }) => ({ key, type, name, action }));
  const pluginErrors =
    Object.keys(errors.nativePlugins).length + Object.keys(errors.portablePlugins).length;
  if (pluginErrors > 0) throw failed(ctx, errors);
  if (options.dryRun) return { ErrorMsg: "", ConfigResponse: errors, plan, dryRun: true };
  errors.uploads = await importUploads(ctx, config.uploads);
  try {
    const task = options.task;
    await applyImport(ctx, entries, task ? { signal: task.signal, progress: task.progress } : {});
  } catch (err) {
    throw failed(ctx, withError(errors, err, entries));
  }
  const sectionErrors = applyConfigSections(ctx, config);
  const answered = {
    ...errors,
    sourceConfig: sectionErrors.sourceConfig,
    sinkConfig: sectionErrors.sinkConfig,
  };
  statuses.set(ctx, answered);
  return { ErrorMsg: "", ConfigResponse: answered, plan };
}

function failed(ctx: InstallContext, errors: Configuration): AppError {
  statuses.set(ctx, errors);
  return badRequest(JSON.stringify(errors));
}

function withError(errors: Configuration, err: unknown, entries: readonly PlanEntry[]) {
  const entry =
    err instanceof ImportError ? err.entry : entries.find((e) => e.action !== "unchanged");
  const section = entry?.section ?? "nativePlugins";
  const copy = { ...errors, [section]: { ...errors[section] } };
  copy[section][entry?.key ?? "import"] = describeError(err);
  return copy;
}

async function readExport(ctx: InstallContext, input: ImportInput): Promise<string> {
  if (input.content && input.file) {
    throw badRequest("Invalid body: Cannot specify both content and file");
  }
  if (input.content) return input.content;
  if (!input.file) throw badRequest("Invalid body: must specify content or file");
  const staging = createStaging(ctx.paths.staging, "import");
  try {
    const path = join(staging.dir, "export");
    await downloadToFile(input.file, path, {
      ...downloadOptions(ctx),
      maxBytes: maxExportBytes,
      // eKuiper reads file:// exports from its uploads folder only.
      allowExternalFileAccess: false,
      pathSuffix: "",
    });
    return readFileSync(path, "utf8");
  } finally {
    staging.remove();
  }
}
