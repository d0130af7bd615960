import dayjs from 'dayjs';

type Instant = number | null | undefined;

/** "17. juni 2024 kl. 14:05" / "Jun 17, 2024 2:05 PM"; the API sends epoch milliseconds. */
export function formatDateTime(value: Instant): string {
  return value == null ? '' : dayjs(value).format('lll');
}

export function formatDate(value: Instant): string {
  return value == null ? '' : dayjs(value).format('ll');
}

/** A plain day such as "2024-06-17", read as that local day (never shifted by a zone). */
export function formatDay(value: string | null | undefined): string {
  return value ? dayjs(value).format('ll') : '';
}

export function formatRelative(value: Instant): string {
  return value == null ? '' : dayjs(value).fromNow();
}

/** Full machine-readable timestamp, for `<time dateTime>` and tooltips. */
export function isoTimestamp(value: number): string {
  return new Date(value).toISOString();
}

/** "923609016" → "923 609 016", the way Brønnøysund prints it. */
export function formatOrgNumber(value: string): string {
  const digits = value.replace(/\s/g, '');
  return /^\d{9}$/.test(digits) ? digits.replace(/(\d{3})(\d{3})(\d{3})/, '$1 $2 $3') : value;
}

/** "+4791234567" → "+47 912 34 567"; other countries are left as stored. */
export function formatPhone(value: string): string {
  const match = /^\+47(\d{3})(\d{2})(\d{3})$/.exec(value);
  return match ? `+47 ${match[1]} ${match[2]} ${match[3]}` : value;
}

/** Start of the chosen local day, as the ISO string with offset the API expects. */
export function startOfDayIso(date: string): string {
  return dayjs(date).startOf('day').format();
}

export function endOfDayIso(date: string): string {
  return dayjs(date).endOf('day').format();
}
