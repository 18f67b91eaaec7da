const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const SHORT_DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const LONG_DAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MON = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})";

// RFC 9110 §5.6.7: senders use IMF-fixdate, but recipients MUST also accept the two obsolete forms.
const IMF_FIXDATE = new RegExp(`^${SHORT_DAY}, (\\d{2}) ${MON} (\\d{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MON}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${SHORT_DAY} ${MON} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * Parses an HTTP-date (RFC 9110 §5.6.7) into epoch milliseconds, or `undefined` if it is not one.
 * Impossible dates (31 Feb, 25:00:00) are rejected instead of rolled over as `Date.UTC` would.
 *
 * @example
 * ```ts
 * parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT") // 784111777000
 * ```
 */
export function parseHttpDate(value: string, now: number = Date.now()): number | undefined {
  let m = IMF_FIXDATE.exec(value);
  if (m) return build(+m[3]!, m[2]!, +m[1]!, m[4]!, m[5]!, m[6]!);
  m = RFC850.exec(value);
  if (m) {
    // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future means the past century.
    const thisYear = new Date(now).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + +m[3]!;
    if (year > thisYear + 50) year -= 100;
    return build(year, m[2]!, +m[1]!, m[4]!, m[5]!, m[6]!);
  }
  m = ASCTIME.exec(value);
  if (m) return build(+m[6]!, m[1]!, +m[2]!.trim(), m[3]!, m[4]!, m[5]!);
  return undefined;
}

function build(year: number, mon: string, day: number, h: string, mi: string, s: string): number | undefined {
  const month = MONTHS.indexOf(mon);
  const ms = Date.UTC(year, month, day, +h, +mi, +s);
  const d = new Date(ms);
  // Date.UTC rolls 31 Feb into March: a round trip catches every out-of-range field.
  if (d.getUTCDate() !== day || d.getUTCMonth() !== month || d.getUTCHours() !== +h || d.getUTCMinutes() !== +mi)
    return undefined;
  if (+s > 59) return undefined;
  return ms;
}
