// A receipt id is chosen by the till (1..64 characters of any kind), so it cannot be a file name
// as is. It is base64url-encoded (reversible, safe on any filesystem); an id whose encoding would
// be too long for a file name (e.g. 64 four-byte characters) is named by its SHA-256 instead. The
// id itself is stored inside the file, so the name is only a key.
import { createHash } from 'node:crypto';

/** Below the usual 255-byte limit, with room for `.bak`, `.corrupt` and the temp-file decoration. */
const MAX_ENCODED = 160;

export function receiptFileName(receiptId: string): string {
  const encoded = Buffer.from(receiptId, 'utf8').toString('base64url');
  if (encoded.length <= MAX_ENCODED) return `r-${encoded}.json`;
  return `h-${createHash('sha256').update(receiptId, 'utf8').digest('hex')}.json`;
}

const RECEIPT_FILE = /^[rh]-[A-Za-z0-9_-]+\.json$/;
const RECEIPT_BACKUP = /^([rh]-[A-Za-z0-9_-]+\.json)\.bak$/;

/** The receipt file a directory entry stands for (its own name, or the file a lone backup belongs to). */
export function receiptFileOf(name: string): string | null {
  if (RECEIPT_FILE.test(name)) return name;
  return RECEIPT_BACKUP.exec(name)?.[1] ?? null;
}
