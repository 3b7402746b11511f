// Russian phone numbers in the forms people type: "8 (912) 345-67-89", "+7 912 3456789",
// "79123456789", "9123456789" → "+79123456789". libphonenumber-js judges validity.
import { createHash } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { DomainError } from '../errors.js';

/** Throws DomainError PHONE_INVALID. */
export function normalizePhone(raw: string): string {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (!/^\+?[\d\s().-]+$/.test(text))
    throw new DomainError('PHONE_INVALID', 'В номере телефона могут быть только цифры');
  const digits = text.replace(/\D/g, '');
  let e164: string | null = null;
  if (text.startsWith('+')) e164 = `+${digits}`;
  else if (digits.length === 11 && (digits.startsWith('7') || digits.startsWith('8')))
    e164 = `+7${digits.slice(1)}`;
  else if (digits.length === 10) e164 = `+7${digits}`;
  const parsed = e164 ? parsePhoneNumberFromString(e164) : undefined;
  // +7 is shared with Kazakhstan; the program serves Russian numbers only.
  if (!parsed?.isValid() || parsed.country !== 'RU') {
    throw new DomainError('PHONE_INVALID', 'Это не российский номер телефона');
  }
  return parsed.number;
}

/** Lowercase hex SHA-256 of salt + "+7XXXXXXXXXX" (SYNC-API), so caches never hold the phone. */
export function phoneHash(salt: string, phone: string): string {
  return createHash('sha256')
    .update(salt + phone, 'utf8')
    .digest('hex');
}
