import { loadSettings, type Settings } from "@subtreekit/settings";
import { type FileBlobStore, openBlobStore, openTxStore, type TxStore } from "@subtreekit/stores";

/** The two stores every command writes to, opened from settings. */
export interface OpenedStores {
  settings: Settings;
  txStore: TxStore;
  blobStore: FileBlobStore;
  close(): Promise<void>;
}

/**
 * Loads settings (defaults < settings.conf < settings_local.conf < env, relative to `cwd`) and
 * opens `txstore` and `subtreestore` — by default SQLite and a blob directory under `./data`.
 * `overrides` (from `--txstore` / `--subtreestore`) win over settings.
 */
export async function openStores(
  options: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    txstore?: string | undefined;
    subtreestore?: string | undefined;
    signal?: AbortSignal;
  } = {},
): Promise<OpenedStores> {
  const cwd = options.cwd ?? process.cwd();
  const settings = loadSettings({ cwd, env: options.env ?? process.env });
  const txStore = await openTxStore(options.txstore ?? settings.txstore, { cwd, signal: options.signal });
  try {
    const blobStore = await openBlobStore(options.subtreestore ?? settings.subtreestore, {
      cwd,
      signal: options.signal,
    });
    return { settings, txStore, blobStore, close: () => txStore.close() };
  } catch (err) {
    await txStore.close();
    throw err;
  }
}
