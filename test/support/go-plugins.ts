// Real Go plugins for tests, built offline: a plugin and two hosts standing in for eKuiper, one
// built from the same shared package and one from a changed copy (Go's loader refuses the plugin).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface GoPlugins {
  readonly dir: string;
  /** The plugin, built with -buildmode=plugin. */
  readonly so: string;
  /** A host built from the same shared package: it loads the plugin. */
  readonly sameHost: string;
  /** A host built from a changed shared package: Go refuses the plugin. */
  readonly otherHost: string;
}

const shared = (version: string) =>
  `package api\n\n// Version says which copy of the package this is.\nfunc Version() string { return "${version}" }\n`;

const hostMain = `package main

import (
	"fmt"
	"os"
	"plugin"

	"github.com/lf-edge/ekuiper/pkg/api"
)

func main() {
	_ = api.Version()
	if len(os.Args) < 2 {
		return
	}
	if _, err := plugin.Open(os.Args[1]); err != nil {
		fmt.Println("refused:", err)
		os.Exit(1)
	}
	fmt.Println("loaded")
}
`;

const pluginMain = `package main

import "github.com/lf-edge/ekuiper/pkg/api"

// Echo is the plugin's symbol.
var Echo = api.Version
`;

function module(dir: string, name: string, replaceWith?: string): void {
  mkdirSync(dir, { recursive: true });
  const require = replaceWith
    ? `require github.com/lf-edge/ekuiper v0.0.0\nreplace github.com/lf-edge/ekuiper => ${replaceWith}\n`
    : "";
  writeFileSync(join(dir, "go.mod"), `module ${name}\n\ngo 1.19\n\n${require}`);
}

async function go(dir: string, home: string, ...args: string[]): Promise<void> {
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    GOPATH: join(home, "gopath"),
    GOCACHE: join(home, "gocache"),
    GOFLAGS: "-mod=mod",
    GOPROXY: "off",
    CGO_ENABLED: "1",
  };
  const proc = Bun.spawn(["go", ...args], { cwd: dir, env, stdout: "pipe", stderr: "pipe" });
  const [code, err] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  if (code !== 0) throw new Error(`go ${args.join(" ")} in ${dir} failed:\n${err}`);
}

/** Why Go plugins cannot be built here, or undefined when `go` is on the PATH. */
export function noGo(): string | undefined {
  return Bun.which("go") === null ? "no Go toolchain (apt-get install -y golang-go)" : undefined;
}

/** Builds the plugin and both hosts in a fresh temporary folder (a minute on 2 cores). */
export async function buildGoPlugins(): Promise<GoPlugins> {
  const dir = mkdtempSync(join(tmpdir(), "plugd-go-"));
  for (const [copy, version] of [
    ["ekuiper", "1"],
    ["ekuiper2", "2"],
  ] as const) {
    module(join(dir, copy), "github.com/lf-edge/ekuiper");
    mkdirSync(join(dir, copy, "pkg", "api"), { recursive: true });
    writeFileSync(join(dir, copy, "pkg", "api", "api.go"), shared(version));
  }
  module(join(dir, "plugin"), "example.com/plugin", "../ekuiper");
  writeFileSync(join(dir, "plugin", "main.go"), pluginMain);
  module(join(dir, "same"), "example.com/same", "../ekuiper");
  writeFileSync(join(dir, "same", "main.go"), hostMain);
  module(join(dir, "other"), "example.com/other", "../ekuiper2");
  writeFileSync(join(dir, "other", "main.go"), hostMain);
  const so = join(dir, "Echo.so");
  await go(join(dir, "plugin"), dir, "build", "-buildmode=plugin", "-o", so, ".");
  await go(join(dir, "same"), dir, "build", "-o", join(dir, "same-host"), ".");
  await go(join(dir, "other"), dir, "build", "-o", join(dir, "other-host"), ".");
  return { dir, so, sameHost: join(dir, "same-host"), otherHost: join(dir, "other-host") };
}
