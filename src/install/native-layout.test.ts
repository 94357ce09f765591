// Tests of where native plugin zip entries go.
import { describe, expect, test } from "bun:test";
import { planNativeLayout } from "./native-layout.ts";

describe("planNativeLayout", () => {
  test("places the library, yaml, json, etc/ and the rest as eKuiper does", () => {
    const layout = planNativeLayout("sources", "random", [
      "Random@v1.2.0.so",
      "random.yaml",
      "random.json",
      "etc/conf/a.txt",
      "install.sh",
      "lib/dep.so",
    ]);
    expect(layout.version).toBe("v1.2.0");
    expect(layout.hasInstallScript).toBe(true);
    expect(layout.placed).toEqual([
      { entry: "Random@v1.2.0.so", area: "home", path: "plugins/sources/Random@v1.2.0.so" },
      { entry: "random.yaml", area: "home", path: "etc/sources/random.yaml" },
      { entry: "random.json", area: "home", path: "etc/sources/random.json" },
      { entry: "etc/conf/a.txt", area: "home", path: "etc/sources/random/conf/a.txt" },
      { entry: "install.sh", area: "work", path: "install.sh" },
      { entry: "lib/dep.so", area: "work", path: "lib/dep.so" },
    ]);
  });

  test.each([
    [["random.so"], "random", ""],
    [["Random.so"], "random", ""],
    [["random@v2.so"], "random", "v2"],
  ])("reads %p as the library of %s with version %p", (entries, name, version) => {
    expect(planNativeLayout("sinks", name, entries).version).toBe(version);
  });

  test("does not take another plugin's library or one in a folder", () => {
    expect(() => planNativeLayout("sinks", "random", ["random2.so", "lib/random.so"])).toThrow(
      "lacks the plugin library random.so",
    );
  });

  test("treats a name's regex characters literally", () => {
    expect(() => planNativeLayout("sinks", "a-b", ["aXb.so"])).toThrow("lacks");
  });
});
