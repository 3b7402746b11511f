// The mobile app's QR token: "LQ1.<payload>.<sig>", payload = base64url(JSON {kid, cid, jti, exp}),
// sig = base64url(Ed25519 over the ASCII bytes "LQ1.<payload>"). The cloud signs; the agent
// verifies offline with the cloud's public keys. Accepting each token id once is the caller's job.
import { createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { DomainError } from '../errors.js';
import type { QrKey } from '../types.js';

const PREFIX = 'LQ1';

export interface QrClaims {
  customerId: string;
  tokenId: string;
  /** Unix seconds; the token is refused from this instant on. */
  expiresAt: number;
}

export function signQrToken(
  p: { kid: string; customerId: string; tokenId: string; expiresAt: number },
  privateKey: KeyObject,
): string {
  const payload = Buffer.from(
    JSON.stringify({ kid: p.kid, cid: p.customerId, jti: p.tokenId, exp: p.expiresAt }),
    'utf8',
  ).toString('base64url');
  const signed = `${PREFIX}.${payload}`;
  const sig = sign(null, Buffer.from(signed, 'ascii'), privateKey).toString('base64url');
  return `${signed}.${sig}`;
}

/** A KeyObject from a base64 raw 32-byte Ed25519 public key, or null when it is not one. */
export function qrPublicKey(base64Raw: string): KeyObject | null {
  const raw = Buffer.from(base64Raw, 'base64');
  if (raw.length !== 32) return null;
  try {
    return createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
      format: 'jwk',
    });
  } catch {
    return null;
  }
}

/** The base64 raw form of an Ed25519 public key, as QrKey.publicKey carries it. */
export function exportQrPublicKey(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new TypeError('not an Ed25519 public key');
  return Buffer.from(jwk.x, 'base64url').toString('base64');
}

function refuse(message: string): never {
  throw new DomainError('QR_INVALID', message);
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Throws DomainError QR_INVALID (malformed, unknown kid, bad signature, expired). */
export function verifyQrToken(token: string, keys: QrKey[], nowMs: number): QrClaims {
  const parts = typeof token === 'string' ? token.trim().split('.') : [];
  if (parts.length !== 3 || parts[0] !== PREFIX || !BASE64URL.test(parts[1]!) || !BASE64URL.test(parts[2]!)) {
    refuse('это не QR-код программы лояльности');
  }
  const [, payload, sig] = parts as [string, string, string];
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    refuse('содержимое QR-кода не читается');
  }
  if (typeof claims !== 'object' || claims === null) refuse('содержимое QR-кода не читается');
  const { kid, cid, jti, exp } = claims as Record<string, unknown>;
  if (typeof kid !== 'string') refuse('в QR-коде не указан ключ');
  const entry = keys.find((k) => k.kid === kid);
  if (!entry) refuse('QR-код подписан неизвестным ключом');
  const key = qrPublicKey(entry.publicKey);
  if (!key) refuse('ключ QR-кода не является открытым ключом Ed25519');
  const ok = verify(null, Buffer.from(`${PREFIX}.${payload}`, 'ascii'), key, Buffer.from(sig, 'base64url'));
  if (!ok) refuse('подпись QR-кода неверна');
  if (typeof cid !== 'string' || cid === '' || typeof jti !== 'string' || jti === '') {
    refuse('в QR-коде нет покупателя или номера кода');
  }
  if (typeof exp !== 'number' || !Number.isSafeInteger(exp)) refuse('у QR-кода нет срока действия');
  if (nowMs >= exp * 1000) refuse('срок действия QR-кода истёк');
  return { customerId: cid, tokenId: jti, expiresAt: exp };
}
