// Finds a native plugin's files on disk by eKuiper's naming rules, for delete and adoption.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { NativeType } from "../store/plugins-repo.ts";
import { ucFirst } from "./names.ts";

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The rule that matches `name.so`, `Name.so` and `Name@v1.0.0.so`, capturing the version. */
export function soFileRule(name: string): RegExp {
  return new RegExp(`^(${escapeRegExp(name)}|${escapeRegExp(ucFirst(name))})(@([^/]*))?\\.so$`);
}

/** The plugin name and version that a .so file name stands for, as eKuiper reads them. */
export function parseSoName(file: string): { name: string; version: string } | undefined {
  const match = /^([A-Za-z0-9_-]+?)(@([^/]*))?\.so$/.exec(file);
  if (!match?.[1]) return undefined;
  const base = match[1];
  return { name: base.charAt(0).toLowerCase() + base.slice(1), version: match[3] ?? "" };
}

/**
 * Paths (relative to the home folder) of what stands on disk for a native plugin: its .so
 * files, `etc/{type}/name.*` and the folder `etc/{type}/name`.
 */
export function findNativeFiles(home: string, type: NativeType, name: string): string[] {
  const found: string[] = [];
  const rule = soFileRule(name);
  for (const file of listDir(join(home, "plugins", type))) {
    if (rule.test(file)) found.push(`plugins/${type}/${file}`);
  }
  for (const file of listDir(join(home, "etc", type))) {
    if (file === name || file.startsWith(`${name}.`)) found.push(`etc/${type}/${file}`);
  }
  return found.sort();
}

function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}
