import {
  type ServerProcess as AssetServerProcess,
  startServerProcess as startAssetServerProcess,
} from "../../apps/asset-server/src/testing/server-process.ts";

/** The real asset server for one storm, plus the log lines the report shows. */
export interface ServerProcess extends AssetServerProcess {
  /** Log lines the server wrote with level ≥ warn (pino JSON, level 40+), kept for the report. */
  warnings: string[];
}

/** A pino JSON line at warn (40) or above. */
function isWarning(line: string): boolean {
  if (!line.startsWith("{")) return false;
  try {
    return ((JSON.parse(line) as { level?: number }).level ?? 0) >= 40;
  } catch {
    return false; // not a log line
  }
}

/**
 * Starts `bun <main.ts> serve` with `env` as its settings on a free port and waits for `/health`
 * (the shared starter). The benchmark runs the server at warn: a log line per request would be
 * measured as server work. Its stdout is drained all along, since an unread pipe would block the
 * server's logger and show up as server slowness.
 */
export async function startServerProcess(options: {
  mainPath: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Every line the server prints goes here too (`--server-log`), for reading a run afterwards. */
  logFile?: string;
}): Promise<ServerProcess> {
  const { mainPath, ...rest } = options;
  const server = await startAssetServerProcess({
    ...rest,
    cmd: [process.execPath, mainPath, "serve"],
    collect: isWarning,
  });
  return Object.assign(server, { warnings: server.collected });
}
