/** A parsed Go-style listen address. `hostname` is undefined for `:port` (all interfaces). */
export interface ListenAddress {
  readonly hostname: string | undefined;
  readonly port: number;
}

/**
 * Parses a Go-style listen address as Teranode writes it (`:8090`, `0.0.0.0:8090`,
 * `localhost:8090`, `[::1]:8090`) into what `Bun.serve` / `node:http` take. Returns undefined
 * when the text is not one.
 *
 * @example
 * ```ts
 * parseListenAddress(":8090"); // { hostname: undefined, port: 8090 }
 * parseListenAddress("[::1]:0"); // { hostname: "::1", port: 0 }
 * ```
 */
export function parseListenAddress(text: string): ListenAddress | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]*)):(\d{1,5})$/.exec(text.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65_535) return undefined;
  const hostname = m[1] ?? (m[2] || undefined);
  return { hostname, port };
}
