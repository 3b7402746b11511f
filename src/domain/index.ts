// The pure loyalty core: what other layers import. No I/O, no clock, no module state.
export { accrualPercent } from './accrual.js';
export { birthdayWindowContains, birthdayWindowDays, inBirthdayWindow, parseBirthday } from './birthday.js';
export { calculate } from './calculation.js';
export { DomainError, type DomainErrorCode } from './errors.js';
export { fiscalPositions } from './fiscal.js';
export { ean13Valid, normalizeCard, parseTrack2 } from './identifiers/card.js';
export { normalizePhone, phoneHash } from './identifiers/phone.js';
export {
  exportQrPublicKey,
  type QrClaims,
  qrPublicKey,
  signQrToken,
  verifyQrToken,
} from './identifiers/qr.js';
export { classifyScan, type ScanResult } from './identifiers/scan.js';
export { cardLast4, maskName, maskPhone } from './masking.js';
export { receiptMessages } from './messages.js';
export {
  formatPercent,
  formatRub,
  isWholeQty,
  lineAmount,
  lineFloor,
  mulDiv,
  percentOf,
  roundHalfUp,
  toMilli,
} from './money.js';
export { formatPoints, pluralRu } from './plural.js';
export { parseProgram } from './program.js';
export { lineMatches, promotionLines } from './promotions.js';
export { validateReceiptLines } from './receipt.js';
export { computeReturn, returnedSoFar } from './returns.js';
export { spread } from './spreading.js';
export { lineRules } from './tag-rules.js';
export { nextTierProgress, tierBySpend, tierOf } from './tier.js';
export { type LocalTime, localTime, parseInstant } from './time-window.js';
export type * from './types.js';
