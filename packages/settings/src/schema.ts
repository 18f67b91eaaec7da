import { z } from "zod";
import { definitions, type SettingKey } from "./definitions.ts";

type Shape = { [K in SettingKey]: (typeof definitions)[K]["schema"] };

/**
 * The whole settings object as one zod schema (raw text in, typed values out), for callers that
 * want to validate a record of strings themselves.
 *
 * @example
 * ```ts
 * settingsSchema.shape.asset_idle_timeout_s.parse("30"); // 30
 * ```
 */
export const settingsSchema = z.object(
  Object.fromEntries(Object.entries(definitions).map(([k, d]) => [k, d.schema])) as Shape,
);

/** Fully typed, frozen settings as returned by `loadSettings`. */
export type Settings = Readonly<z.output<typeof settingsSchema>>;
