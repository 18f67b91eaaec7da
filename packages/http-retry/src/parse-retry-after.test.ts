import { describe, expect, test } from "bun:test";
import { parseHttpDate } from "./http-date.ts";
import { parseRetryAfter } from "./parse-retry-after.ts";

const NOW = Date.UTC(2025, 9, 21, 7, 28, 0); // Tue, 21 Oct 2025 07:28:00 GMT

describe("parseRetryAfter", () => {
  // The reference's table (spec §3.3) plus HTTP-dates; where we differ it is on purpose.
  test.each([
    [undefined, undefined],
    [null, undefined],
    ["", undefined],
    ["0", undefined], // zero cannot slow anyone down: no hint, the backoff applies
    ["-1", undefined],
    ["1", 1000],
    ["30", 30_000],
    ["not-a-number", undefined],
    ["1.5", undefined],
    ["1m", undefined],
    [" 5", undefined],
    ["5 ", undefined],
    ["+5", undefined], // reference's Atoi accepts it; RFC 9110 delay-seconds is 1*DIGIT
    ["007", 7000],
    ["99999999999999999999999", 2 ** 33 * 1000], // capped, still an exact integer
    ["Wed, 21 Oct 2015 07:28:00 GMT", undefined], // a date in the past
    ["Tue, 21 Oct 2025 07:28:00 GMT", undefined], // exactly now
    ["Tue, 21 Oct 2025 07:28:05 GMT", 5000], // future IMF-fixdate
    ["Tuesday, 21-Oct-25 07:29:00 GMT", 60_000], // obsolete RFC 850 form
    ["Tue Oct 21 07:28:30 2025", 30_000], // obsolete asctime form
    ["Tue, 21 Oct 2025 07:28:05 UTC", undefined], // only GMT is allowed
    ["Fri, 31 Feb 2026 07:28:05 GMT", undefined], // impossible date
  ] as [string | null | undefined, number | undefined][])("%p → %p", (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected as number);
  });

  test("a huge delay stays a finite safe integer", () => {
    const ms = parseRetryAfter("9".repeat(400), NOW)!;
    expect(Number.isSafeInteger(ms)).toBe(true);
  });

  test("an RFC 850 two-digit year more than 50 years ahead belongs to the past century", () => {
    expect(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
    expect(parseHttpDate("Sunday, 06-Nov-74 08:49:37 GMT", NOW)).toBe(Date.UTC(2074, 10, 6, 8, 49, 37));
  });
});
