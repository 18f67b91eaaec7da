import { availableParallelism } from "node:os";
import ipaddr from "ipaddr.js";
import { z } from "zod";

/**
 * zod schemas that turn the raw text of a setting (from a file or the environment) into its
 * typed value. Every schema takes a string, so defaults, files and env all go through the same
 * checks; messages say what was expected because they end up in front of an operator.
 */
export type TextSchema<T> = z.ZodType<T, string>;

/** A schema from a parse function that returns undefined for bad text. */
export function text<T>(expected: string, parse: (s: string) => T | undefined): TextSchema<T> {
  return z.string().transform((s, ctx) => {
    const v = parse(s.trim());
    if (v === undefined) {
      ctx.issues.push({ code: "custom", message: expected, input: s });
      return z.NEVER;
    }
    return v;
  });
}

function parseIntText(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Integer in `[min, max]`. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): TextSchema<number> {
  const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in ${min}..${max}`;
  return text(`expected an integer ${range}`, (s) => {
    const n = parseIntText(s);
    return n !== undefined && n >= min && n <= max ? n : undefined;
  });
}

/** Decimal number in `[min, max]`, e.g. a percentage. */
export function decimal(min: number, max: number): TextSchema<number> {
  return text(`expected a number in ${min}..${max}`, (s) => {
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(s)) return undefined;
    const n = Number(s);
    return n >= min && n <= max ? n : undefined;
  });
}

/**
 * Teranode's concurrency semantics: `-1` → number of CPUs, `0` → unlimited (`Infinity`, which
 * `@subtreekit/semaphore` accepts as a capacity), else a positive integer. `allowUnlimited: false`
 * is for limits that size buffers (a window of `Infinity` would defeat backpressure).
 */
export function concurrency(allowUnlimited = true): TextSchema<number> {
  const expected = allowUnlimited
    ? "expected a positive integer, 0 (unlimited) or -1 (number of CPUs)"
    : "expected a positive integer or -1 (number of CPUs)";
  return text(expected, (s) => {
    const n = parseIntText(s);
    if (n === -1) return availableParallelism();
    if (n === 0) return allowUnlimited ? Number.POSITIVE_INFINITY : undefined;
    return n !== undefined && n > 0 ? n : undefined;
  });
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Duration in whole milliseconds: a plain number is ms; `250ms`, `30s`, `5m`, `1h`, `1.5s` also work. */
export function durationMs(min = 0): TextSchema<number> {
  const expected = `expected a duration ≥ ${min}: milliseconds, or a number with a unit ("250ms", "30s", "5m", "1h")`;
  return text(expected, (s) => {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(s);
    if (!m) return undefined;
    const ms = Math.round(Number(m[1]) * (UNIT_MS[m[2] ?? "ms"] ?? 1));
    return Number.isSafeInteger(ms) && ms >= min ? ms : undefined;
  });
}

/** `true/false`, `1/0`, `yes/no`, `on/off` (case-insensitive), via zod 4's `z.stringbool()`. */
export function boolean(): TextSchema<boolean> {
  return z
    .string()
    .transform((s) => s.trim())
    .pipe(
      z.stringbool({
        truthy: ["true", "1", "yes", "on"],
        falsy: ["false", "0", "no", "off"],
        error: "expected a boolean: true/false, 1/0, yes/no or on/off",
      }),
    );
}

/** A URL whose scheme is one of `schemes`; kept as text because Teranode store URLs use `file://./relative`. */
export function url(schemes: readonly string[]): TextSchema<string> {
  const list = schemes.map((s) => `${s}://`).join(", ");
  return text(`expected a URL starting with ${list}`, (s) => {
    if (!URL.canParse(s)) return undefined;
    return schemes.includes(new URL(s).protocol.slice(0, -1)) ? s : undefined;
  });
}

/** An API path prefix: `""` or `/segment(/segment)*`, no trailing slash. */
export function pathPrefix(): TextSchema<string> {
  return text('expected "" or a path like /api/v1 (leading "/", no trailing "/", no spaces)', (s) =>
    /^(\/[^\s/?#]+)*$/.test(s) ? s : undefined,
  );
}

/** One of `values`, case-insensitive, normalised to lower case. */
export function oneOf<const T extends string>(values: readonly T[]): TextSchema<T> {
  return text(`expected one of ${values.join(", ")}`, (s) => values.find((v) => v === s.toLowerCase()));
}

/**
 * One CIDR, normalised to `address/prefix`; a bare address is one host (`/32`, `/128`). IPv4
 * must be dotted four-part decimal (ipaddr.js alone also takes `127.1` and hex forms, which an
 * operator never means in an allowlist); an IPv4-mapped IPv6 range becomes its IPv4 range,
 * because clients are matched by their IPv4 address.
 */
export function parseCidr(s: string): string | undefined {
  const slash = s.indexOf("/");
  const addrText = slash < 0 ? s : s.slice(0, slash);
  const prefixText = slash < 0 ? undefined : s.slice(slash + 1);
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  if (ipaddr.IPv4.isValidFourPartDecimal(addrText)) addr = ipaddr.IPv4.parse(addrText);
  else if (ipaddr.IPv6.isValid(addrText) && !addrText.includes("%")) addr = ipaddr.IPv6.parse(addrText);
  else return undefined;
  const max = addr.kind() === "ipv4" ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  let prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
    prefix -= 96;
  }
  return `${addr.toString()}/${prefix}`;
}

/** Comma-separated CIDRs (`"10.0.0.0/8, ::1"`), or `""` for none; the message names the bad item. */
export function cidrList(): TextSchema<readonly string[]> {
  return z.string().transform((s, ctx) => {
    const out: string[] = [];
    for (const raw of s.split(",")) {
      const item = raw.trim();
      if (item === "") continue;
      const cidr = parseCidr(item);
      if (cidr === undefined) {
        ctx.issues.push({
          code: "custom",
          message: `expected comma-separated CIDRs or addresses such as "10.0.0.0/8,::1"; ${JSON.stringify(item)} is not one`,
          input: s,
        });
        return z.NEVER;
      }
      out.push(cidr);
    }
    return Object.freeze(out);
  });
}
