/**
 * A TCP port on 127.0.0.1 that was free a moment ago: bind port 0, read it, close. Chosen here
 * rather than by the server (`:0`) so the caller knows the URL without parsing a log line (the
 * "listening" line is info-level and these servers run at warn), and so a restart can reuse it.
 * Another process could take it in between; the server then fails to bind and its start fails loudly.
 */
export function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}
