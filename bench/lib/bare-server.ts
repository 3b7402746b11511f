// The anchor of the over-HTTP figures: fastify with one route that answers a constant, in its own
// process like the agent, printing its URL on stdout. Run by api.bench.ts.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ ok: true }));
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (!address || typeof address === 'string') throw new Error('bare route: no address');
console.log(`http://127.0.0.1:${address.port}`);
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
