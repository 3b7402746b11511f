import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cashierPage, resolveAssetDir } from '../../src/web/plugin.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const sourceAssets = path.join(projectRoot, 'src', 'web', 'cashier');

describe('cashierPage plugin', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    // Registered the way the agent does: on a TypeBox-typed instance, beside token-protected routes.
    const server = Fastify().withTypeProvider<TypeBoxTypeProvider>();
    await server.register(cashierPage, { tillId: 'till-7', statusPollMs: 2000 });
    app = server;
    await app.ready();
  });
  afterAll(() => app.close());

  it('serves the page at / without a token, as UTF-8 HTML with a strict CSP', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<script type="module" src="/cashier/app.js">');
    expect(res.body).toContain('Рассчитать');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each([
    ['app.js', 'text/javascript; charset=utf-8'],
    ['money.js', 'text/javascript; charset=utf-8'],
    ['ui.js', 'text/javascript; charset=utf-8'],
    ['style.css', 'text/css; charset=utf-8'],
    ['index.html', 'text/html; charset=utf-8'],
  ])('serves /cashier/%s as %s', async (file, type) => {
    const res = await app.inject({ method: 'GET', url: `/cashier/${file}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
  });

  it('answers HEAD for assets (fastify exposes it for every GET)', async () => {
    const res = await app.inject({ method: 'HEAD', url: '/cashier/style.css' });
    expect(res.statusCode).toBe(200);
  });

  it('gives the page its settings from the plugin options', async () => {
    const res = await app.inject({ method: 'GET', url: '/cashier/config.json' });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual({ tillId: 'till-7', statusPollMs: 2000 });
  });

  it('answers 304 to a matching ETag', async () => {
    const first = await app.inject({ method: 'GET', url: '/cashier/app.js' });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);
    const again = await app.inject({
      method: 'GET',
      url: '/cashier/app.js',
      headers: { 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it.each([
    '/cashier/money.d.ts',
    '/cashier/..%2Fplugin.ts',
    '/cashier/%2e%2e%2f%2e%2e%2fpackage.json',
    '/cashier/nope.js',
    '/cashier/../../package.json',
  ])('serves nothing else: %s → 404 in the API error shape', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('"name": "loyalty-agent"');
    if (url.startsWith('/cashier/') && !url.includes('/../')) {
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
  });
});

describe('resolveAssetDir', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'cashier-assets-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('finds the folder beside the source module', () => {
    const url = pathToFileURL(path.join(projectRoot, 'src', 'web', 'plugin.ts')).href;
    expect(resolveAssetDir(url)).toBe(sourceAssets);
  });

  it('finds the source folder from the compiled dist/src/web/plugin.js', () => {
    const url = pathToFileURL(path.join(projectRoot, 'dist', 'src', 'web', 'plugin.js')).href;
    expect(resolveAssetDir(url)).toBe(sourceAssets);
  });

  it('walks up from an installed copy to its own project root', () => {
    const root = path.join(tmp, 'installed');
    mkdirSync(path.join(root, 'src', 'web', 'cashier'), { recursive: true });
    writeFileSync(path.join(root, 'package.json'), '{}');
    writeFileSync(path.join(root, 'src', 'web', 'cashier', 'index.html'), '<!doctype html>');
    const url = pathToFileURL(path.join(root, 'dist', 'src', 'web', 'plugin.js')).href;
    expect(resolveAssetDir(url)).toBe(path.join(root, 'src', 'web', 'cashier'));
  });

  it('says where it looked when the page files are missing', () => {
    const url = pathToFileURL(path.join(tmp, 'empty', 'dist', 'src', 'web', 'plugin.js')).href;
    expect(() => resolveAssetDir(url)).toThrow(/cashier page files not found/);
  });

  it('refuses to start with an asset folder that has no index.html', async () => {
    const dir = path.join(tmp, 'no-index');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'app.js'), '');
    const app = Fastify();
    await expect(app.register(cashierPage, { assetDir: dir }).ready()).rejects.toThrow(/index.html/);
    await app.close();
  });
});
