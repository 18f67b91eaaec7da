import { Counter, Gauge, Registry } from "prom-client";

/** `function`/`operation` labels of the reference's `teranode_asset_http_*` counters (spec §7). */
export type HttpOutcome = { function: "OK" | "ERROR"; operation: string };

/** Values of `teranode_asset_repository_subtree_data_created_total{result,source}`. */
export type CreatedSource =
  | "on_demand_created"
  | "file_existed"
  | "followed"
  | "followed_remote"
  | "write_failed"
  | "client_gone"
  | "lease_lost"
  | "creation_failed";

export interface Gauges {
  createInUse: () => number;
  createWaiting: () => number;
  readerInUse: () => number;
  readerWaiting: () => number;
  builds: () => number;
  followers: () => number;
  /** Event-loop ticks that came ≥ 250 ms late, and the latest one (ms): see `loop-stall.ts`. */
  loopStalls: () => number;
  loopMaxLateMs: () => number;
}

const HTTP_ROUTES = [
  "get_subtree_data",
  "get_subtree",
  "get_transaction",
  "get_transactions",
  "get_block",
  "get_block_legacy",
  "get_blocks",
  "get_block_headers_from_common_ancestor",
  "get_subtree_txs",
] as const;
export type HttpRoute = (typeof HTTP_ROUTES)[number];

/**
 * One registry per server (tests run several servers in one process). Reference names and labels
 * are kept so existing Teranode dashboards work; the gauges read live values at scrape time.
 */
export class AssetMetrics {
  readonly registry = new Registry();
  /** Per route, per `operation`: increments not yet added to the counter (see `http`). */
  readonly #httpPending = new Map<HttpRoute, Map<string, { labels: HttpOutcome; n: number }>>();
  readonly created: Counter<"result" | "source">;
  readonly bytesStreamed: Counter<"source">;
  readonly badFilesMovedAside: Counter;
  /** 429s by the bucket that was empty, added at collect time like `http` (see `rateLimited`). */
  readonly #rateLimitedPending = { global: 0, heavy: 0 };

  constructor(gauges: Gauges) {
    const registers = [this.registry];
    for (const r of HTTP_ROUTES) {
      const pending = new Map<string, { labels: HttpOutcome; n: number }>();
      this.#httpPending.set(r, pending);
      new Counter({
        name: `teranode_asset_http_${r}`,
        help: `Requests of ${r} by outcome and status`,
        labelNames: ["function", "operation"],
        registers,
        collect() {
          for (const p of pending.values()) {
            if (p.n > 0) this.inc(p.labels, p.n);
            p.n = 0;
          }
        },
      });
    }
    this.created = new Counter({
      name: "teranode_asset_repository_subtree_data_created_total",
      help: "subtree_data requests served other than from an existing file, by result and source",
      labelNames: ["result", "source"],
      registers,
    });
    this.bytesStreamed = new Counter({
      name: "subtreekit_asset_bytes_streamed_total",
      help: "Body bytes streamed by JS streams (file responses are sent by the runtime and counted by size)",
      labelNames: ["source"],
      registers,
    });
    this.badFilesMovedAside = new Counter({
      name: "subtreekit_asset_subtree_data_files_moved_aside_total",
      help: "subtree_data files with a foreign or corrupt header, moved aside instead of served (then built afresh)",
      registers,
    });
    const limited = this.#rateLimitedPending;
    new Counter({
      name: "teranode_asset_http_rate_limited_total",
      help: "Requests answered 429 by the rate limiter, by scope (global: per client over all routes; heavy: per client per heavy route)",
      labelNames: ["scope"],
      registers,
      collect() {
        for (const scope of ["global", "heavy"] as const) {
          if (limited[scope] > 0) this.inc({ scope }, limited[scope]);
          limited[scope] = 0;
        }
      },
    });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge("subtreekit_asset_create_permits_in_use", "On-demand build permits held", gauges.createInUse);
    gauge(
      "subtreekit_asset_create_permits_waiting",
      "Requests waiting for a build permit (always 0: tryAcquire)",
      gauges.createWaiting,
    );
    gauge("subtreekit_asset_reader_permits_in_use", "Reader permits held", gauges.readerInUse);
    gauge("subtreekit_asset_reader_permits_waiting", "Requests waiting for a reader permit", gauges.readerWaiting);
    gauge("subtreekit_asset_builds_in_flight", "On-demand subtree_data builds running", gauges.builds);
    gauge("subtreekit_asset_followers", "Requests following a build in flight", gauges.followers);
    gauge(
      "subtreekit_event_loop_max_late_seconds",
      "Latest the event loop ran a 100 ms timer since start",
      () => gauges.loopMaxLateMs() / 1000,
    );
    new Counter({
      name: "subtreekit_event_loop_stalls_total",
      help: "Times the event loop ran a 100 ms timer ≥ 250 ms late (every stream and request stopped meanwhile)",
      registers,
      collect() {
        this.reset();
        this.inc(gauges.loopStalls());
      },
    });
  }

  /**
   * Counts one request. A plain increment, added to the prom-client counter when it is collected
   * (every scrape and `registry.metrics()`): prom-client hashes the label object on every `inc`,
   * a measurable part of a rejected request's cost in a 503 storm.
   */
  http(route: HttpRoute, status: number, text: string): void {
    const operation = status < 400 ? String(status) : text;
    const pending = this.#httpPending.get(route);
    if (!pending) return;
    const p = pending.get(operation);
    if (p) p.n++;
    else pending.set(operation, { labels: { function: status < 400 ? "OK" : "ERROR", operation }, n: 1 });
  }

  /** Counts one 429 of the rate limiter (a plain increment, as `http`: it runs for every request of a flood). */
  rateLimited(scope: "global" | "heavy"): void {
    this.#rateLimitedPending[scope]++;
  }

  createdInc(source: CreatedSource): void {
    const ok =
      source === "on_demand_created" ||
      source === "file_existed" ||
      source === "followed" ||
      source === "followed_remote";
    this.created.inc({ result: ok ? "success" : "error", source });
  }
}
