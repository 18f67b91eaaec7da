import type { Socket } from "bun";

/**
 * `count` TCP connections that each send the start of a request and then one more header byte
 * every `dripMs` — slow-loris style: they never finish their headers. `open` counts how many
 * connected; `alive` how many the server has not closed yet. Bounded: `close()` ends them all.
 */
export async function slowClients(o: { port: number; count: number; dripMs: number }) {
  const sockets: Socket<undefined>[] = [];
  let alive = 0;
  let opened = 0;
  await Promise.all(
    Array.from({ length: o.count }, () =>
      Bun.connect({
        hostname: "127.0.0.1",
        port: o.port,
        socket: {
          open(s) {
            opened++;
            alive++;
            s.write("GET /api/v1/subtree_data/");
          },
          data() {},
          close() {
            alive--;
          },
          error() {},
        },
      }).then((s) => {
        sockets.push(s);
      }),
    ),
  );
  let i = 0;
  const drip = setInterval(() => {
    for (const s of sockets) s.write(i === 0 ? "x" : "a");
    i++;
  }, o.dripMs);
  return {
    opened: () => opened,
    alive: () => alive,
    close() {
      clearInterval(drip);
      for (const s of sockets) s.end();
    },
  };
}
