// Every HTTP face answers with the catalogue: the agent's till API handler, the device bridges'
// scoped handler and the cloud's handler each turn every catalogue code into its table status and
// the one body shape, and the framework's own failures into catalogue codes too.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandler as installCloudErrors } from '../../src/cloud/http/error-handler.js';
import { DomainError } from '../../src/domain/errors.js';
import { AppError, ERROR_STATUS, type ErrorCode } from '../../src/errors/catalogue.js';
import { installErrorReplies } from '../../src/http/error-reply.js';
import { installErrorHandler as installAgentErrors } from '../../src/http/errors.js';

type Body = { error: { code: string; message: string; details?: unknown } };

function routes(app: FastifyInstance): void {
  app.get<{ Params: { code: string } }>('/throw/:code', async (req) => {
    throw new AppError(req.params.code as ErrorCode, `ошибка ${req.params.code}`, ['деталь']);
  });
  app.get('/domain', async () => {
    throw new DomainError('RETURN_EXCEEDS_SALE', 'more than remains');
  });
  app.get('/crash', async () => {
    throw new Error('secret stack detail');
  });
  app.get('/disk-full', async () => {
    throw new Error('write failed', { cause: Object.assign(new Error('no space'), { code: 'ENOSPC' }) });
  });
  app.post(
    '/echo',
    {
      bodyLimit: 64,
      schema: {
        body: {
          type: 'object',
          required: ['qty'],
          additionalProperties: false,
          properties: { qty: { type: 'integer', exclusiveMinimum: 0 } },
        },
      },
    },
    async (req) => req.body,
  );
}

/** The agent's validator settings (src/http/server.ts): an extra field is refused, not dropped. */
const AS_THE_AGENT = {
  ajv: { customOptions: { allErrors: false, coerceTypes: false, removeAdditional: false } },
};

const faces: [string, () => FastifyInstance][] = [
  [
    'agent till API',
    () => {
      const app = Fastify(AS_THE_AGENT);
      installAgentErrors(app);
      routes(app);
      return app;
    },
  ],
  [
    'device bridge (scoped)',
    () => {
      const app = Fastify(AS_THE_AGENT);
      app.register(async (scope) => {
        installErrorReplies(scope);
        routes(scope);
      });
      return app;
    },
  ],
  [
    'cloud',
    () => {
      const app = Fastify();
      installCloudErrors(app);
      routes(app);
      return app;
    },
  ],
];

describe.each(faces)('%s', (name, build) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = build();
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  const call = async (method: 'GET' | 'POST', url: string, payload?: string, type = 'application/json') => {
    const res = await app.inject({ method, url, payload, headers: { 'content-type': type } });
    return { status: res.statusCode, body: res.json() as Body };
  };

  it('answers every catalogue code with its status and the one shape', async () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      const res = await call('GET', `/throw/${code}`);
      expect(res.status, code).toBe(status);
      expect(res.body).toEqual({ error: { code, message: `ошибка ${code}`, details: ['деталь'] } });
    }
  });

  it('answers a domain error with its code’s status', async () => {
    const res = await call('GET', '/domain');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('RETURN_EXCEEDS_SALE');
  });

  it('answers an unexpected failure 500 INTERNAL without its text', async () => {
    const res = await call('GET', '/crash');
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('INTERNAL');
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });

  it('answers the framework’s own refusals with catalogue codes', async () => {
    const wrongType = await call('POST', '/echo', '<qty>1</qty>', 'text/xml');
    expect([wrongType.status, wrongType.body.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const big = await call('POST', '/echo', JSON.stringify({ qty: 1, pad: 'x'.repeat(100) }));
    expect([big.status, big.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const broken = await call('POST', '/echo', '{"qty":');
    expect(broken.status).toBe(400);
    expect(ERROR_STATUS[broken.body.error.code as ErrorCode]).toBe(400);
    const invalid = await call('POST', '/echo', JSON.stringify({ qty: 0 }));
    expect(invalid.status).toBe(400);
    expect(ERROR_STATUS[invalid.body.error.code as ErrorCode]).toBe(400);
    expect(invalid.body.error.message).toContain('qty');
    if (name !== 'device bridge (scoped)') {
      const none = await call('GET', '/no/such/route');
      expect([none.status, none.body.error.code]).toEqual([404, 'NOT_FOUND']);
    }
  });

  if (name !== 'cloud') {
    it('speaks Russian to the till: field path first, then what is wrong', async () => {
      const invalid = await call('POST', '/echo', JSON.stringify({ qty: 0 }));
      expect(invalid.body.error).toMatchObject({ code: 'BAD_REQUEST', message: 'qty: должно быть > 0' });
      const missing = await call('POST', '/echo', JSON.stringify({}));
      expect(missing.body.error.message).toBe('qty: обязательное поле');
      const extra = await call('POST', '/echo', JSON.stringify({ qty: 1, x: 1 }));
      expect(extra.body.error.message).toBe('x: лишнее поле');
      const crash = await call('GET', '/crash');
      expect(crash.body.error.message).toMatch(/[а-я]/);
    });

    it('answers a full disk 507 STORAGE_FULL in Russian', async () => {
      const res = await call('GET', '/disk-full');
      expect(res.status).toBe(507);
      expect(res.body.error.code).toBe('STORAGE_FULL');
      expect(res.body.error.message).toMatch(/диск заполнен/);
    });
  }
});
