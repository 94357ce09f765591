// Every kind of plugin plugd installs; a new kind is one more KindRules here.
import { nativeTypes } from "../config/home.ts";
import { nativeKind } from "./native-kind.ts";
import type { KindRules } from "./plugin-kind.ts";
import { portableKind } from "./portable-kind.ts";

export const allKinds: readonly KindRules[] = [...nativeTypes.map(nativeKind), portableKind];
