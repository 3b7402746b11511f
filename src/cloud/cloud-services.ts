// Everything a route handler needs, built once by startCloud.
import type { Logger } from 'pino';
import type { CloudConfig } from './config.js';
import type { Db } from './db/db.js';
import type { Authenticator } from './http/auth.js';
import type { SmsGateway, TestSmsGateway } from './sms-gateway.js';
import type { ProgramStore } from './store/program-store.js';
import type { QrKeyStore } from './store/qr-keys.js';
import type { Clock } from './time.js';

export interface CloudServices {
  db: Db;
  config: CloudConfig;
  programs: ProgramStore;
  qrKeys: QrKeyStore;
  auth: Authenticator;
  sms: SmsGateway;
  /** Set when the default test gateway is in use: the page shows its codes. */
  testSms: TestSmsGateway | null;
  clock: Clock;
  logger: Logger;
}
