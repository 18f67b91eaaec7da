import { mulberry32 as prng } from "@subtreekit/testkit";

/** One malformed request of the sweep. */
export interface BadRequest {
  method: string;
  path: string;
  body?: Uint8Array<ArrayBuffer>;
}

const HEX = "0123456789abcdef";
const JUNK = [
  "",
  "..",
  "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "%00",
  "%ff%fe",
  "null",
  "-1",
  "0x",
  "zz",
  "%20",
  "💥",
  ";drop table txs",
  "<script>",
  "a".repeat(65),
  "A".repeat(63),
  "g".repeat(64),
];
const ROUTES = [
  "subtree_data/",
  "subtree/",
  "subtree/{h}/hex",
  "subtree/{h}/json",
  "tx/",
  "tx/{h}/hex",
  "tx/{h}/json",
  "block/",
  "block/{h}/hex",
  "block/{h}/json",
  "block/{h}/subtrees/json",
  "block_legacy/",
];

/**
 * 10,000-style sweep of requests that must each be refused with 400/404/405/413: malformed or
 * unknown hashes on every route, unknown routes, traversal and encoding junk, bad pagination,
 * wrong methods, and POST bodies of the wrong size or too many txids. Valid-looking requests for
 * data that exists are never generated (they would rightly answer 200). `known` is a subtree
 * that exists, used only where the rest of the request is invalid.
 */
export function badRequests(count: number, seed: number, known: string, maxBatchTxs: number): BadRequest[] {
  const r = prng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const randomHex = (n: number) => Array.from({ length: n }, () => HEX[int(16)]).join("");
  const badHash = () => {
    switch (int(6)) {
      case 0:
        return randomHex(int(64)); // too short
      case 1:
        return randomHex(65 + int(100)); // too long
      case 2:
        return `${randomHex(63)}${pick(["g", "z", "-", "_", "%20", "%00"])}`;
      case 3:
        return pick(JUNK);
      case 4:
        return encodeURIComponent(String.fromCharCode(...Array.from({ length: 1 + int(40) }, () => 1 + int(0x2ff))));
      default:
        return `${known.slice(0, 10)}${pick(JUNK)}`;
    }
  };
  const unknownHash = () => randomHex(64); // well-formed, stored nowhere → 404
  const out: BadRequest[] = [];
  for (let i = 0; i < count; i++) {
    const kind = int(8);
    if (kind === 0) {
      const route = pick(ROUTES);
      const h = route.includes("{h}") ? badHash() : "";
      out.push({ method: "GET", path: `/api/v1/${route.replace("{h}", h)}${route.endsWith("/") ? badHash() : ""}` });
    } else if (kind === 1) {
      const route = pick(ROUTES);
      const h = unknownHash();
      const q = int(2) ? `?${pick(["offset", "limit", "wire", "x"])}=${encodeURIComponent(pick(JUNK))}` : "";
      out.push({ method: "GET", path: `/api/v1/${route.includes("{h}") ? route.replace("{h}", h) : route + h}${q}` });
    } else if (kind === 2) {
      // Unknown routes and traversal attempts.
      const segs = Array.from({ length: 1 + int(5) }, () =>
        pick([...JUNK, randomHex(int(20)), "api", "v1", "..", "."]),
      );
      out.push({ method: "GET", path: `/${pick(["", "api/", "api/v1/", "api/v2/", "rest/"])}${segs.join("/")}` });
    } else if (kind === 3) {
      // Pagination that cannot be valid, on a subtree that exists.
      const bad = pick(["-1", "abc", "1e400", "99999999999999999999", "1.5", "%00", "NaN"]);
      const param = pick(["offset", "limit"]);
      out.push({ method: "GET", path: `/api/v1/subtree/${known}/json?${param}=${bad}` });
    } else if (kind === 4) {
      // Wrong methods on real routes.
      const route = pick(ROUTES).replace("{h}", known);
      out.push({
        method: pick(["PUT", "DELETE", "PATCH"]),
        path: `/api/v1/${route}${route.endsWith("/") ? known : ""}`,
      });
    } else if (kind === 5) {
      // POST bodies that are not n × 32 bytes.
      const len = 32 * int(20) + 1 + int(31);
      out.push({ method: "POST", path: `/api/v1/subtree/${known}/txs`, body: randomBytes(r, len) });
    } else if (kind === 6) {
      // POST with too many txids (413) or to a subtree that does not exist (404) or a bad hash (400).
      const which = int(3);
      if (which === 0) {
        out.push({
          method: "POST",
          path: `/api/v1/subtree/${known}/txs`,
          body: randomBytes(r, 32 * (maxBatchTxs + 1 + int(100))),
        });
      } else {
        const h = which === 1 ? unknownHash() : badHash();
        out.push({ method: "POST", path: `/api/v1/subtree/${h}/txs`, body: randomBytes(r, 32 * (1 + int(8))) });
      }
    } else {
      // subtree_data and legacy block of unknown or malformed hashes (the admission path).
      out.push({
        method: "GET",
        path: `/api/v1/${pick(["subtree_data", "block_legacy"])}/${int(2) ? unknownHash() : badHash()}`,
      });
    }
  }
  return out;
}

function randomBytes(r: () => number, n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}
