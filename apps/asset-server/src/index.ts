export { type SeedOptions, type SeedResult, seed } from "./seed/seed.ts";
export { type SeedChainOptions, seedChain } from "./seed/seed-chain.ts";
export { createApp } from "./server/app.ts";
export type { AppEnv, ServerContext } from "./server/context.ts";
export {
  type AssetServer,
  type CreateAssetServerOptions,
  createAssetServer,
  type RunningServer,
} from "./server/create.ts";
export { AssetHttpError, type AssetHttpErrorCode } from "./server/errors.ts";
export { createLogger } from "./server/logger.ts";
export type { AtomicSink, BlobStorePort, BlobType, TxStorePort } from "./server/ports.ts";
export type { AssetSettings } from "./server/settings.ts";
