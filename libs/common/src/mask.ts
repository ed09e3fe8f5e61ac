/** Identity numbers keep the first 6 (region) and the last 4 characters. */
export function maskIdNumber(id: string | null | undefined): string | null {
  if (!id) return id ?? null;
  if (id.length <= 10) return '*'.repeat(id.length);
  return id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4);
}

/** Phone numbers keep the first 3 and the last 4 digits. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return phone ?? null;
  if (phone.length <= 7) return '*'.repeat(phone.length);
  return phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4);
}

const ID_RE = /\b(\d{6})\d{8}(\d{3}[\dXx])\b/g;
const PHONE_RE = /\b(1[3-9]\d)\d{4}(\d{4})\b/g;

/** Scrubs identity and mobile numbers out of free text bound for a log line. */
export function maskText(text: string): string {
  return text.replace(ID_RE, '$1********$2').replace(PHONE_RE, '$1****$2');
}
