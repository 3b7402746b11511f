import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  cardLast4,
  classifyScan,
  DomainError,
  exportQrPublicKey,
  maskName,
  maskPhone,
  normalizeCard,
  normalizePhone,
  parseTrack2,
  phoneHash,
  signQrToken,
  verifyQrToken,
} from '../../src/domain/index.js';
import type { CardRange } from '../../src/domain/types.js';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return (err as DomainError).code;
  }
  throw new Error('accepted');
}

const CHAIN: CardRange[] = [{ prefix: '2', lengths: [13] }];

describe('cards', () => {
  it('accepts EAN-13 numbers with a correct check digit and strips typing noise', () => {
    expect(normalizeCard('2000000123455', CHAIN)).toBe('2000000123455');
    expect(normalizeCard(' 2 000000 123455 ', CHAIN)).toBe('2000000123455');
    expect(normalizeCard('2000-0001-2345-5', [])).toBe('2000000123455');
  });
  it('refuses a wrong check digit, letters and odd lengths', () => {
    expect(codeOf(() => normalizeCard('2000000123454', CHAIN))).toBe('CARD_INVALID');
    expect(codeOf(() => normalizeCard('20000001234A5', []))).toBe('CARD_INVALID');
    expect(codeOf(() => normalizeCard('', []))).toBe('CARD_INVALID');
    expect(codeOf(() => normalizeCard('123', []))).toBe('CARD_INVALID');
  });
  it('enforces the configured ranges', () => {
    expect(codeOf(() => normalizeCard('4601234567893', CHAIN))).toBe('CARD_INVALID'); // wrong prefix
    expect(codeOf(() => normalizeCard('20000001', CHAIN))).toBe('CARD_INVALID'); // wrong length
    const range: CardRange[] = [{ from: '1000', to: '1999' }];
    expect(normalizeCard('1500', range)).toBe('1500');
    expect(codeOf(() => normalizeCard('2000', range))).toBe('CARD_INVALID');
    expect(codeOf(() => normalizeCard('10000', range))).toBe('CARD_INVALID');
    // Any range may match.
    expect(normalizeCard('1999', [...CHAIN, ...range])).toBe('1999');
  });
  it('reads track 2 of a magnetic stripe', () => {
    expect(parseTrack2(';2000000123455=2912101?')).toBe('2000000123455');
    expect(parseTrack2(';2000000123455?')).toBe('2000000123455');
    expect(parseTrack2(' ;1234567890123456=25121010000000000000? \n')).toBe('1234567890123456');
    expect(parseTrack2('2000000123455')).toBeNull();
    expect(parseTrack2(';ABC?')).toBeNull();
    expect(parseTrack2(';123')).toBeNull();
  });
});

describe('phones', () => {
  it('normalizes the common Russian forms', () => {
    for (const raw of [
      '8 (912) 345-67-89',
      '+7 912 3456789',
      '9123456789',
      '79123456789',
      '89123456789',
      '+7 (912) 345-67-89',
      ' 8-912-345-67-89 ',
      '+7.912.345.67.89',
    ]) {
      expect(normalizePhone(raw)).toBe('+79123456789');
    }
    expect(normalizePhone('8 (495) 123-45-67')).toBe('+74951234567');
  });
  it('refuses bad numbers', () => {
    for (const raw of [
      '',
      '12345',
      '+7 912 345 67 8',
      '+7 912 345 67 890',
      'tel:89123456789',
      '+1 202 555 0143',
      '+77012345678',
      '+71234567890',
      '8912345678a',
    ]) {
      expect(codeOf(() => normalizePhone(raw))).toBe('PHONE_INVALID');
    }
  });
  it('hashes salt + phone as lowercase hex SHA-256', () => {
    // echo -n 'salt+79123456789' | sha256sum
    expect(phoneHash('salt', '+79123456789')).toBe(
      'e0361926a3cf6d9ad294fd39ab24c489bb8e4d56262d5635acb87a394c798a54',
    );
    expect(phoneHash('salt', '+79123456789')).toMatch(/^[0-9a-f]{64}$/);
    expect(phoneHash('salt', '+79123456789')).not.toBe(phoneHash('other', '+79123456789'));
  });
});

describe('masking', () => {
  it('masks phone, card and name', () => {
    expect(maskPhone('+79123456789')).toBe('+7 912 ***-**-89');
    expect(maskPhone('garbage-12')).toBe('***12');
    expect(cardLast4('2000000123455')).toBe('3455');
    expect(maskName('Анна Ковалёва')).toBe('Анна К.');
    expect(maskName('  анна   ёлкина ')).toBe('анна Ё.');
    expect(maskName('Анна')).toBe('Анна');
    expect(maskName('')).toBe('');
  });
});

describe('QR tokens', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  const keys = [{ kid: 'k1', publicKey: exportQrPublicKey(publicKey) }];
  const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
  const exp = NOW / 1000 + 60;
  const token = signQrToken(
    { kid: 'k1', customerId: 'cust-1', tokenId: 'tok-1', expiresAt: exp },
    privateKey,
  );

  it('has the LQ1.<payload>.<sig> shape with the agreed claims', () => {
    const [prefix, payload, sig] = token.split('.');
    expect(prefix).toBe('LQ1');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'))).toEqual({
      kid: 'k1',
      cid: 'cust-1',
      jti: 'tok-1',
      exp,
    });
    expect(Buffer.from(sig!, 'base64url')).toHaveLength(64);
    expect(Buffer.from(keys[0]!.publicKey, 'base64')).toHaveLength(32);
  });
  it('verifies a fresh token', () => {
    expect(verifyQrToken(token, keys, NOW)).toEqual({
      customerId: 'cust-1',
      tokenId: 'tok-1',
      expiresAt: exp,
    });
  });
  it('refuses an expired token (from the expiry instant on)', () => {
    expect(codeOf(() => verifyQrToken(token, keys, exp * 1000))).toBe('QR_INVALID');
    expect(verifyQrToken(token, keys, exp * 1000 - 1).tokenId).toBe('tok-1');
  });
  it('refuses a forged payload or signature', () => {
    const [p, payload, sig] = token.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ kid: 'k1', cid: 'cust-2', jti: 'tok-1', exp }),
    ).toString('base64url');
    expect(codeOf(() => verifyQrToken(`${p}.${forgedPayload}.${sig}`, keys, NOW))).toBe('QR_INVALID');
    const byOther = signQrToken(
      { kid: 'k1', customerId: 'cust-1', tokenId: 'tok-1', expiresAt: exp },
      other.privateKey,
    );
    expect(codeOf(() => verifyQrToken(byOther, keys, NOW))).toBe('QR_INVALID');
    expect(codeOf(() => verifyQrToken(`${p}.${payload}.AAAA`, keys, NOW))).toBe('QR_INVALID');
  });
  it('refuses an unknown key id and malformed tokens', () => {
    const unknown = signQrToken({ kid: 'k9', customerId: 'c', tokenId: 't', expiresAt: exp }, privateKey);
    expect(codeOf(() => verifyQrToken(unknown, keys, NOW))).toBe('QR_INVALID');
    for (const bad of ['', 'LQ1', 'LQ2.a.b', 'LQ1..', 'LQ1.!!.??', 'LQ1.bm90IGpzb24.AAAA', token + '.x']) {
      expect(codeOf(() => verifyQrToken(bad, keys, NOW))).toBe('QR_INVALID');
    }
    expect(codeOf(() => verifyQrToken(token, [{ kid: 'k1', publicKey: 'c2hvcnQ=' }], NOW))).toBe(
      'QR_INVALID',
    );
  });
  it('rotates keys: a token verifies against the key named by its kid', () => {
    const t2 = signQrToken({ kid: 'k2', customerId: 'c', tokenId: 't2', expiresAt: exp }, other.privateKey);
    const both = [...keys, { kid: 'k2', publicKey: exportQrPublicKey(other.publicKey) }];
    expect(verifyQrToken(t2, both, NOW).tokenId).toBe('t2');
    expect(verifyQrToken(token, both, NOW).tokenId).toBe('tok-1');
  });
});

describe('classifyScan', () => {
  it('tells QR tokens, track 2, card barcodes and phones apart', () => {
    expect(classifyScan('LQ1.abc.def')).toEqual({ kind: 'qr', token: 'LQ1.abc.def', value: 'LQ1.abc.def' });
    expect(classifyScan(';2000000123455=2912?')).toEqual({
      kind: 'card',
      card: '2000000123455',
      value: '2000000123455',
    });
    expect(classifyScan('2000000123455\r\n')).toEqual({
      kind: 'card',
      card: '2000000123455',
      value: '2000000123455',
    });
    expect(classifyScan('+7 912 345-67-89')).toEqual({
      kind: 'phone',
      phone: '+79123456789',
      value: '+79123456789',
    });
    expect(classifyScan('8 (912) 345-67-89')).toEqual({
      kind: 'phone',
      phone: '+79123456789',
      value: '+79123456789',
    });
  });
  it('returns null for product barcodes and noise', () => {
    expect(classifyScan('4601234567890')).toBeNull(); // bad EAN-13 check digit
    expect(classifyScan('4601234567893', CHAIN)).toBeNull(); // a valid product EAN outside the card ranges
    expect(classifyScan('hello')).toBeNull();
    expect(classifyScan('')).toBeNull();
  });
});
