// The cloud's Ed25519 key pair for QR tokens: generated at first start, kept in the database,
// its public half published with the program (qrKeys) so agents verify tokens offline.
import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { QrKey } from '../../protocol/sync.js';
import type { Db } from '../db/db.js';

export interface QrSigningKey {
  kid: string;
  privateKey: KeyObject;
}

export class QrKeyStore {
  private constructor(
    readonly signing: QrSigningKey,
    readonly published: QrKey[],
  ) {}

  static async open(db: Db, now: Date): Promise<QrKeyStore> {
    let rows = await loadKeys(db);
    if (rows.length === 0) {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const raw = rawPublicKey(publicKey);
      const kid = `k-${createHash('sha256').update(raw).digest('hex').slice(0, 12)}`;
      const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      // Two cloud processes starting together on one database must end with one key.
      await db.query(
        'INSERT INTO qr_keys (kid, public_key, private_key, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [kid, raw.toString('base64'), pem, now],
      );
      rows = await loadKeys(db);
    }
    const newest = rows[0]!;
    return new QrKeyStore(
      { kid: newest.kid, privateKey: createPrivateKey(newest.private_key) },
      rows.map((r) => ({ kid: r.kid, publicKey: r.public_key })),
    );
  }
}

async function loadKeys(db: Db) {
  return db.query<{ kid: string; public_key: string; private_key: string }>(
    'SELECT kid, public_key, private_key FROM qr_keys ORDER BY created_at DESC, kid',
  );
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
}
