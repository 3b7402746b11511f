// Prometheus metrics of the agent, on its own registry (no globals): request latency, queue depth
// and age, cache size, sync state. Gauges are read at scrape time from the live objects.
import client from 'prom-client';

export interface MetricsSources {
  queue: () => { pending: number; oldestAgeSec: number; deadLetter: number };
  cacheSize: () => number;
  cloudState: () => 'online' | 'offline' | 'unconfigured';
  registerState: () => string;
}

export function createMetrics(sources: MetricsSources) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'loyalty_agent_' });
  const httpDuration = new client.Histogram({
    name: 'loyalty_agent_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new client.Gauge({
    name: 'loyalty_agent_queue_pending',
    help: 'Transactions waiting to be sent to the cloud',
    registers: [registry],
    collect() {
      this.set(sources.queue().pending);
    },
  });
  new client.Gauge({
    name: 'loyalty_agent_queue_oldest_age_seconds',
    help: 'Age of the oldest unsent transaction',
    registers: [registry],
    collect() {
      this.set(sources.queue().oldestAgeSec);
    },
  });
  new client.Gauge({
    name: 'loyalty_agent_queue_dead_letter',
    help: 'Transactions the cloud rejected (kept, re-sendable)',
    registers: [registry],
    collect() {
      this.set(sources.queue().deadLetter);
    },
  });
  new client.Gauge({
    name: 'loyalty_agent_cache_customers',
    help: 'Customers in the local cache',
    registers: [registry],
    collect() {
      this.set(sources.cacheSize());
    },
  });
  new client.Gauge({
    name: 'loyalty_agent_cloud_online',
    help: '1 when the last call to the cloud succeeded, 0 offline, -1 unconfigured',
    registers: [registry],
    collect() {
      const s = sources.cloudState();
      this.set(s === 'online' ? 1 : s === 'offline' ? 0 : -1);
    },
  });
  const confirms = new client.Counter({
    name: 'loyalty_agent_receipts_confirmed_total',
    help: 'Receipts confirmed at this agent',
    registers: [registry],
  });
  return { registry, httpDuration, confirms };
}

export type Metrics = ReturnType<typeof createMetrics>;
