// A TCP proxy in front of a broker that refuses MQTT 5 as a 3.1.1-only broker does (CONNACK code 1).
import type { Socket } from "bun";

export interface Proxy311 extends AsyncDisposable {
  readonly url: string;
  /** Protocol levels of the CONNECTs seen, in order (5 = MQTT 5, 4 = 3.1.1). */
  readonly levels: number[];
}

/** The protocol level of a CONNECT packet's first bytes: after the remaining length and "MQTT". */
function connectLevel(data: Uint8Array): number | undefined {
  let at = 1;
  while (at < 5 && ((data[at] ?? 0) & 0x80) !== 0) at++;
  return data[at + 1 + 6];
}

/** Proxies 127.0.0.1:<port> to `brokerPort`, refusing every MQTT 5 CONNECT. */
export function startMqtt311Proxy(brokerPort: number): Proxy311 {
  const levels: number[] = [];
  const upstreams = new Map<Socket<undefined>, Promise<Socket<undefined>>>();
  const listener = Bun.listen<undefined>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      async data(client, data) {
        let upstream = upstreams.get(client);
        if (!upstream) {
          const level = connectLevel(data) ?? 0;
          levels.push(level);
          if (level === 5) {
            client.write(new Uint8Array([0x20, 0x02, 0x00, 0x01]));
            client.end();
            return;
          }
          upstream = Bun.connect<undefined>({
            hostname: "127.0.0.1",
            port: brokerPort,
            socket: { data: (_s, back) => void client.write(back), close: () => void client.end() },
          });
          upstreams.set(client, upstream);
        }
        (await upstream).write(data);
      },
      async close(client) {
        (await upstreams.get(client))?.end();
        upstreams.delete(client);
      },
    },
  });
  return {
    url: `mqtt://127.0.0.1:${listener.port}`,
    levels,
    [Symbol.asyncDispose]: async () => listener.stop(true),
  };
}
