// The reference central server's public surface (the CLI's `cloud` command and the demo use it).
export { type CloudConfig, CloudConfigSchema, loadCloudConfig, parseCloudConfig } from './config.js';
export type { Db, Queryable } from './db/db.js';
export { MIGRATIONS, migrate } from './db/migrations.js';
export { openDb } from './db/open-db.js';
export type { Access, RouteAccess } from './http/access.js';
export { type DemoData, demoCards, loadDemoData } from './seed/demo-data.js';
export { seedDemo } from './seed/seed-demo.js';
export { type SentTestSms, type SmsGateway, TestSmsGateway } from './sms-gateway.js';
export { type RunningCloud, type StartCloudOptions, startCloud } from './start-cloud.js';
