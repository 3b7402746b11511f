// The agent's sync client: what the rest of the agent imports.
export type { Classification, Verdict } from './classify.js';
export { classify, isRetryableStatus } from './classify.js';
export type { CloudGatewayOptions } from './cloud-gateway.js';
export { HttpCloudGateway } from './cloud-gateway.js';
export { CloudCallError, CloudProtocolError, InsufficientPointsError } from './errors.js';
export type { CallOptions, CallOutcome, CloudHttpOptions, CloudResponse } from './http-client.js';
export { CloudHttp } from './http-client.js';
export type { BatchReport, DrainReport, DrainRetryOptions, OutboxDrainOptions } from './outbox-drain.js';
export { MAX_BATCH, OutboxDrain } from './outbox-drain.js';
export type { CustomersPullReport, ProgramPullReport, PullsOptions } from './pulls.js';
export { Pulls } from './pulls.js';
export { parseRetryAfter } from './retry-after.js';
export type {
  CloudSettings,
  CloudState,
  SyncEngineOptions,
  SyncNowReport,
  SyncStatus,
  SyncStep,
} from './sync-engine.js';
export { SyncEngine } from './sync-engine.js';
