// While the broker is away the fleet agent says so once, not at every reconnect attempt.
import { describe, expect, test } from "bun:test";
import { startGateway, watchFleet } from "./support/fleet-kit.ts";
import { hasMosquitto, startMosquitto } from "./support/mosquitto.ts";
import { waitFor } from "./support/wait.ts";

describe.skipIf(!hasMosquitto)("fleet agent outages", () => {
  test("a lost broker, then one that closes every connection: a line each, not one per attempt", async () => {
    await using broker = await startMosquitto();
    await using fleet = await watchFleet(broker.url);
    await using gw = await startGateway({ broker: broker.url, id: "gw-out" });
    await fleet.until(["gw-out"], (s) => s.online, "the gateway online");
    await broker.kill();
    // A dead broker behind a load balancer: TCP is accepted, then closed before any CONNACK.
    let attempts = 0;
    const dead = Bun.listen({
      hostname: "127.0.0.1",
      port: broker.port,
      socket: {
        open() {
          attempts++;
        },
        data(socket) {
          socket.end();
        },
      },
    });
    try {
      await waitFor(() => attempts >= 5, "five reconnect attempts", 30_000);
      expect(await gw.get("/fleet")).toMatchObject({
        connection: "reconnecting",
        lastError: "the broker closed the connection before accepting it",
      });
    } finally {
      dead.stop(true);
    }
    const warnings = gw.plugd
      .logs()
      .filter((l) => l.module === "fleet-agent" && l.level === "warn")
      .map((l) => String(l.msg));
    // Each reason once: attempts in the moment between the kill and the listener (and at its
    // stop) may also see a refused or reset connection, one more line each at most.
    expect(new Set(warnings).size).toBe(warnings.length);
    expect(warnings.filter((m) => !/ECONNREFUSED|ECONNRESET/.test(m))).toEqual([
      "lost the connection to the broker",
      "the broker closed the connection before accepting it",
    ]);
    await broker.start();
    const connected = async () =>
      ((await gw.get("/fleet")) as { connection: string }).connection === "connected";
    await waitFor(connected, "the gateway connected again", 30_000);
    const again = gw.plugd.logs().filter((l) => l.msg === "connected to the broker again");
    expect(again).toHaveLength(1);
    expect(await gw.get("/fleet")).toMatchObject({ connection: "connected", lastError: "" });
  }, 60_000);
});
