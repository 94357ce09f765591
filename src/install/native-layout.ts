// Where each entry of a native plugin zip goes, by eKuiper's layout rules (pure).
import { badRequest } from "../errors.ts";
import type { NativeType } from "../store/plugins-repo.ts";
import { ucFirst } from "./names.ts";
import { soFileRule } from "./native-files.ts";
import type { Placement } from "./plugin-kind.ts";

export interface NativeLayout {
  placed: Placement[];
  soFile: string;
  /** The text after '@' in the .so name ("v1.0.0"), or "" when the name has none. */
  version: string;
  hasInstallScript: boolean;
  /** sources: the yaml that goes to etc/sources/, if the zip has it. */
  yamlPath: string | undefined;
}

/**
 * Maps the zip's file entries (directories left out) to their destinations. Throws 400 naming
 * what to change: a missing or doubled .so, a missing source yaml.
 */
export function planNativeLayout(type: NativeType, name: string, entries: string[]): NativeLayout {
  const soRule = soFileRule(name);
  const soEntries = entries.filter((e) => soRule.test(e));
  if (soEntries.length === 0) {
    throw badRequest(
      `invalid zip: it lacks the plugin library ${name}.so (or ${ucFirst(name)}.so, optionally versioned as ${ucFirst(name)}@v1.0.0.so) at its top level`,
    );
  }
  const [soFile] = soEntries;
  if (soEntries.length > 1 || soFile === undefined) {
    throw badRequest(`invalid zip: it holds more than one plugin library: ${soEntries.join(", ")}`);
  }
  const yaml = `${name}.yaml`;
  if (type === "sources" && !entries.includes(yaml)) {
    throw badRequest(`invalid zip: a source plugin needs its configuration file ${yaml}`);
  }
  const placed = entries.map((entry) => place(type, name, entry, soFile, yaml));
  return {
    placed,
    soFile,
    version: soRule.exec(soFile)?.[3] ?? "",
    hasInstallScript: entries.includes("install.sh"),
    yamlPath: type === "sources" ? `etc/sources/${yaml}` : undefined,
  };
}

function place(
  type: NativeType,
  name: string,
  entry: string,
  soFile: string,
  yaml: string,
): Placement {
  if (entry === soFile) return { entry, area: "home", path: `plugins/${type}/${entry}` };
  if (type === "sources" && entry === yaml) {
    return { entry, area: "home", path: `etc/sources/${yaml}` };
  }
  if (entry === `${name}.json`) return { entry, area: "home", path: `etc/${type}/${entry}` };
  if (entry.startsWith("etc/") && entry.length > 4) {
    return { entry, area: "home", path: `etc/${type}/${name}/${entry.slice(4)}` };
  }
  return { entry, area: "work", path: entry };
}
