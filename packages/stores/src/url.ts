import { resolve } from "node:path";
import { StoreOpenError } from "./errors/store-open-error.ts";

/** A store URL split into its scheme, a local path and its query parameters. */
export interface PathUrl {
  scheme: string;
  path: string;
  params: URLSearchParams;
}

/**
 * Parses `scheme:///abs/path?x=1` and the relative form `scheme://./rel/path` (resolved against
 * `cwd`). WHATWG URL parsing would read `.` in the relative form as a host name, which is why
 * this splits the string by hand.
 *
 * @example
 * ```ts
 * parsePathUrl("file://./data/subtreestore?hashPrefix=2").path; // <cwd>/data/subtreestore
 * ```
 */
export function parsePathUrl(url: string, cwd: string = process.cwd()): PathUrl {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^?#]*)(?:\?([^#]*))?$/i.exec(url);
  if (!m) throw new StoreOpenError("BAD_URL", `not a store URL: ${JSON.stringify(url)}`);
  const scheme = m[1]!.toLowerCase();
  let raw: string;
  try {
    raw = decodeURIComponent(m[2]!);
  } catch (cause) {
    throw new StoreOpenError("BAD_URL", `bad escape in store URL ${JSON.stringify(url)}`, { cause });
  }
  // `file://localhost/abs` is the one host RFC 8089 allows; anything else is a relative path.
  if (raw.startsWith("localhost/")) raw = raw.slice("localhost".length);
  if (raw === "") throw new StoreOpenError("BAD_URL", `store URL ${JSON.stringify(url)} names no path`);
  const path = raw === ":memory:" ? raw : resolve(cwd, raw);
  return { scheme, path, params: new URLSearchParams(m[3] ?? "") };
}

/** A non-negative integer query parameter, or `fallback` when absent; StoreOpenError otherwise. */
export function intParam(params: URLSearchParams, key: string, fallback: number, url: string): number {
  const v = params.get(key);
  if (v === null) return fallback;
  const n = Number(v);
  if (v.trim() === "" || !Number.isSafeInteger(n) || n < 0) {
    throw new StoreOpenError(
      "BAD_URL",
      `${key}=${JSON.stringify(v)} in ${redact(url)}: expected a non-negative integer`,
    );
  }
  return n;
}

/** The URL with any password replaced, for messages. */
export function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*):[^@/?#]*@/i, "$1:***@");
}
