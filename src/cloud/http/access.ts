// Who may call each route, checked in onRequest — before fastify parses and validates the body,
// query or params — so a stranger gets 401, never a 400 that describes the schema. Every route
// declares its access in its config ({ access }); a route without one is refused when it is
// registered (fail closed). The routes and their access are recorded for the tests and the docs.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authenticator, Caller } from './auth.js';

/** agent: its own key on its own /v1/agents/{agentId} path; admin: a central-office token;
 * any: either; public: no token. */
export type Access = 'agent' | 'admin' | 'any' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Also accept the admin token as `?token=` (a page link opened from the demo). */
    tokenInQuery?: boolean;
  }
  interface FastifyRequest {
    /** Set by the access check; null on public routes. */
    caller: Caller | null;
  }
}

export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
}

/** Installs the check on `app` (call before any route); returns the table it fills. */
export function installAccess(app: FastifyInstance, auth: Authenticator): readonly RouteAccess[] {
  const table: RouteAccess[] = [];
  app.decorateRequest('caller', null);
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    const methods = [route.method].flat();
    if (!access) throw new Error(`route ${methods.join(',')} ${route.url} declares no access`);
    for (const method of methods) table.push({ method, url: route.url, access });
  });
  app.addHook('onRequest', async (req) => {
    const config = req.routeOptions.config;
    // No route (404) or a public one: nothing to check.
    if (!config.access || config.access === 'public') return;
    const fromQuery = config.tokenInQuery ? queryToken(req) : undefined;
    if (config.access === 'agent') {
      req.caller = auth.requireAgent(req, (req.params as { agentId?: string }).agentId ?? '');
    } else if (config.access === 'admin') {
      auth.requireAdmin(req, fromQuery);
      req.caller = { role: 'admin' };
    } else {
      req.caller = auth.identify(req, fromQuery);
    }
  });
  return table;
}

/** The calling agent on an 'agent' route (the access check has proven it). */
export function agentCaller(req: FastifyRequest): Extract<Caller, { role: 'agent' }> {
  const caller = req.caller;
  if (caller?.role !== 'agent') throw new Error(`${req.url}: not an agent route`);
  return caller;
}

function queryToken(req: FastifyRequest): string | undefined {
  const token = (req.query as { token?: unknown } | undefined)?.token;
  return typeof token === 'string' && token !== '' ? token : undefined;
}
