// Kurtosis prints times as Go RFC1123 (`Mon, 02 Jan 2006 15:04:05 MST`) in the local zone. We spawn
// it with TZ=UTC, so real output says `UTC`; pasted fixtures and users' own runs show other zones.

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

// Offsets in minutes of the abbreviations current tzdata still prints. Ambiguous ones are left out on
// purpose — CST (US Central -6, China +8, Cuba -5), IST (India, Ireland, Israel), AST — and like any
// unknown abbreviation fall back to UTC: a guess either way, and our own spawns always say UTC.
const ZONES: Record<string, number> = {
  UTC: 0,
  GMT: 0,
  UT: 0,
  Z: 0,
  WET: 0,
  WEST: 60,
  BST: 60,
  CET: 60,
  CEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  WAT: 60,
  CAT: 120,
  EAT: 180,
  SAST: 120,
  PKT: 300,
  WIB: 420,
  HKT: 480,
  JST: 540,
  KST: 540,
  AWST: 480,
  ACST: 570,
  ACDT: 630,
  AEST: 600,
  AEDT: 660,
  NZST: 720,
  NZDT: 780,
  HST: -600,
  AKST: -540,
  AKDT: -480,
  PST: -480,
  PDT: -420,
  MST: -420,
  MDT: -360,
  CDT: -300,
  EST: -300,
  EDT: -240,
  ADT: -180,
  NST: -210,
  NDT: -150,
};

const RFC1123 =
  /^(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([A-Za-z]{1,5}|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * Go RFC1123 (`Mon, 17 Jul 2023 13:27:02 -03`) → ISO 8601 UTC (`2023-07-17T16:27:02Z`).
 * Returns undefined when the text is not such a time.
 */
export function parseGoTime(text: string): string | undefined {
  const m = RFC1123.exec(text.trim());
  if (!m) return undefined;
  const [, day, mon, year, hh, mm, ss, zone] = m;
  const month = MONTHS[mon!];
  if (month === undefined) return undefined;
  const offset = zoneOffsetMinutes(zone!);
  const utc = Date.UTC(+year!, month, +day!, +hh!, +mm!, +ss!) - offset * 60_000;
  const date = new Date(utc);
  if (Number.isNaN(date.getTime())) return undefined;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function zoneOffsetMinutes(zone: string): number {
  const numeric = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (numeric) {
    const minutes = +numeric[2]! * 60 + +(numeric[3] ?? 0);
    return numeric[1] === '-' ? -minutes : minutes;
  }
  // Unknown or ambiguous abbreviation: treat as UTC (see ZONES).
  return ZONES[zone.toUpperCase()] ?? 0;
}
