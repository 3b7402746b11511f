// The routes the agent's HTTP server serves (method and URL pattern), recorded as they are
// registered: what the tests walk to prove every non-public route asks for a token first.
import type { FastifyInstance } from 'fastify';

export interface RouteEntry {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered so far, HEAD routes included; filled by recordRoutes. */
    readonly routeTable: readonly RouteEntry[];
  }
}

/** Call on the root instance before any route: routes of every plugin below it are recorded. */
export function recordRoutes(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) table.push({ method, url: route.url });
  });
}
