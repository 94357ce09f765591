// The download URLs of eKuiper's prebuilt native plugins for this system (GET .../prebuild).
import { readFileSync } from "node:fs";
import { badRequest } from "../errors.ts";
import type { NativeType } from "../store/plugins-repo.ts";
import { serverArchitecture } from "./elf.ts";

export interface PrebuildSettings {
  pluginHosts: string;
  version: string;
  names: Readonly<Record<NativeType, readonly string[]>>;
}

export interface Platform {
  os: string;
  arch: string;
  /** The text of /etc/os-release, or undefined when it cannot be read. */
  osRelease: string | undefined;
}

/** This machine's platform as the prebuild list needs it. */
export function currentPlatform(): Platform {
  let osRelease: string | undefined;
  try {
    osRelease = readFileSync("/etc/os-release", "utf8");
  } catch {
    osRelease = undefined;
  }
  return { os: process.platform, arch: serverArchitecture(), osRelease };
}

/**
 * Maps each configured plugin name of `type` to
 * `{host}/kuiper-plugins/{version}/{os}/{type}/{name}_{arch}.zip`, for every host (a later host
 * wins for the same name, as in eKuiper). Throws 400 off Linux, where plugins should not be installed.
 */
export function prebuildList(
  type: NativeType,
  settings: PrebuildSettings,
  platform: Platform,
): Record<string, string> {
  if (platform.os !== "linux") {
    throw badRequest(
      "It's strongly recommended to install plugins on Linux. If you choose to proceed, make sure the plugin is already validated in your own build.",
    );
  }
  const distro = /^PRETTY_NAME=.*alpine/im.test(platform.osRelease ?? "") ? "alpine" : "debian";
  const hosts = settings.pluginHosts
    .split(",")
    .map((h) => h.trim().replace(/\/+$/, ""))
    .filter((h) => h !== "");
  if (hosts.length === 0) throw badRequest("no plugin host is configured (basic.pluginHosts)");
  const result: Record<string, string> = {};
  for (const host of hosts) {
    for (const name of settings.names[type]) {
      result[name] =
        `${host}/kuiper-plugins/${settings.version}/${distro}/${type}/${name}_${platform.arch}.zip`;
    }
  }
  return result;
}
