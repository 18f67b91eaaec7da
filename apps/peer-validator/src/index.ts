export { type CatchupOptions, type CatchupResult, catchup } from "./block/catchup.ts";
export { type BlockResult, type ValidateBlockOptions, validateBlock } from "./block/validate-block.ts";
export { PeerError, type PeerErrorCode } from "./errors/peer-error.ts";
export {
  type PeerFailure,
  PeersUnavailableError,
  type PeersUnavailableErrorCode,
} from "./errors/peers-unavailable-error.ts";
export { UsageError, type UsageErrorCode } from "./errors/usage-error.ts";
export { isValidatorError, ValidatorError } from "./errors/validator-error.ts";
export { type VerificationDetail, VerificationError, type VerificationErrorCode } from "./errors/verification-error.ts";
export { type EventSink, RunStats, type ValidatorEvent } from "./events.ts";
export { type RunOptions, type Session, sessionOf } from "./session.ts";
export { type SubtreeResult, type ValidateSubtreeOptions, validateSubtree } from "./subtree/validate-subtree.ts";
export {
  type BlobStoreLike,
  type BlobType,
  type BlobWriter,
  DEFAULT_VALIDATOR_SETTINGS,
  type TxRecord,
  type TxStoreLike,
  type ValidatorSettings,
} from "./types.ts";
