// sourceConfig and sinkConfig of an export: the confKey sections of etc/sources|sinks/<name>.yaml.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeError } from "../errors.ts";
import type { InstallContext } from "../install/context.ts";
import { isValidName } from "../install/names.ts";
import type { Configuration } from "./configuration.ts";

/**
 * Writes each key's sections into its plugin's yaml (the `default` section stays as the plugin
 * installed it; every other section becomes the export's), for every key whose yaml exists
 * once the plugin set is in place. Returns, per section and key, why one was not applied.
 */
export function applyConfigSections(
  ctx: InstallContext,
  config: Configuration,
): Pick<Configuration, "sourceConfig" | "sinkConfig"> {
  const errors: Pick<Configuration, "sourceConfig" | "sinkConfig"> = {
    sourceConfig: {},
    sinkConfig: {},
  };
  const folders = { sourceConfig: "sources", sinkConfig: "sinks" } as const;
  for (const section of ["sourceConfig", "sinkConfig"] as const) {
    for (const [name, text] of Object.entries(config[section])) {
      // The key names a file: it must be a plugin name, never a path.
      const file = join(ctx.paths.root, "etc", folders[section], `${name}.yaml`);
      const why = isValidName(name)
        ? safely(() => writeSections(file, text))
        : `invalid name ${name}`;
      if (why !== undefined) errors[section][name] = why;
    }
  }
  return errors;
}

/** The plugin set is committed by now: a yaml that cannot be read or written is reported. */
function safely(write: () => string | undefined): string | undefined {
  try {
    return write();
  } catch (err) {
    return `not applied: ${describeError(err)}`;
  }
}

function writeSections(file: string, text: string): string | undefined {
  if (!existsSync(file)) return `not applied: ${file} does not exist (no such plugin installed)`;
  let sections: unknown;
  try {
    sections = JSON.parse(text);
  } catch (err) {
    return `invalid body: ${describeError(err)}`;
  }
  if (typeof sections !== "object" || sections === null || Array.isArray(sections)) {
    return "invalid body: the sections must be a JSON object";
  }
  const current = Bun.YAML.parse(readFileSync(file, "utf8"));
  const base =
    typeof current === "object" && current !== null && "default" in current
      ? { default: (current as { default: unknown }).default }
      : {};
  // Written aside and renamed, so a crash never leaves half a file.
  writeFileSync(`${file}.tmp`, Bun.YAML.stringify({ ...base, ...sections }, null, 2));
  renameSync(`${file}.tmp`, file);
  return undefined;
}
