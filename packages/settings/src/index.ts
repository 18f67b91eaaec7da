export type { SettingKey } from "./definitions.ts";
export { describeSettings, renderSettingsTable, type SettingDescription } from "./describe.ts";
export {
  formatSettingsError,
  isSettingsError,
  type SettingSource,
  SettingsError,
  type SettingsErrorCode,
  type SettingsIssue,
} from "./errors.ts";
export { type ListenAddress, parseListenAddress } from "./listen-address.ts";
export { type LoadSettingsOptions, loadSettings } from "./load.ts";
export { durationMs } from "./parsers.ts";
export { type Settings, settingsSchema } from "./schema.ts";
