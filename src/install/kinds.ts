// Every kind of plugin plugd installs; a new kind is one more KindRules here.
import { nativeTypes } from "../config/home.ts";
import type { PluginKind } from "../store/plugins-repo.ts";
import { nativeKind } from "./native-kind.ts";
import type { KindRules } from "./plugin-kind.ts";
import { portableKind } from "./portable-kind.ts";

export const allKinds: readonly KindRules[] = [...nativeTypes.map(nativeKind), portableKind];

/** The rules of kind `type`. */
export function kindOf(type: PluginKind): KindRules {
  const kind = allKinds.find((k) => k.type === type);
  if (!kind) throw new TypeError(`not a plugin kind: ${type}`);
  return kind;
}
