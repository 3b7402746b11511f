// Serves the cashier page: `GET /` is the page, `/cashier/<file>` its scripts and styles. The
// files are public (the page asks for the till token itself and sends it on /v1 calls only).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { errorBody, statusOf } from '../errors/catalogue.js';

export interface CashierPageOptions {
  /** Folder with index.html, app.js, …; found automatically when absent. */
  assetDir?: string;
  /** Names receipt ids and picks the scanner stream; the page's `?tillId=` overrides it. */
  tillId?: string;
  /** How often the page polls GET /v1/status. */
  statusPollMs?: number;
}

interface Asset {
  body: Buffer;
  contentType: string;
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The page talks to its own origin only; nothing inline, nothing from elsewhere. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const ASSET_SUBDIR = path.join('src', 'web', 'cashier');

function isAssetDir(dir: string): boolean {
  return existsSync(path.join(dir, 'index.html'));
}

/**
 * The cashier folder next to this module (running from src/ under vitest or tsx), or — when
 * running compiled from dist/src/web — the source folder found by walking up to the project root.
 */
export function resolveAssetDir(fromModuleUrl: string = import.meta.url): string {
  const here = path.dirname(fileURLToPath(fromModuleUrl));
  const beside = path.join(here, 'cashier');
  if (isAssetDir(beside)) return beside;
  let dir = here;
  for (;;) {
    const candidate = path.join(dir, ASSET_SUBDIR);
    if (existsSync(path.join(dir, 'package.json')) && isAssetDir(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`cashier page files not found near ${here} (looked for ${ASSET_SUBDIR}/index.html)`);
}

/** Loads the servable files once: a fixed set, so no request path ever reaches the file system. */
function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const contentType = CONTENT_TYPES[path.extname(name)];
    // Only the page's own kinds of file (no .ts, no tsconfig: the type check lives in src/web).
    if (!contentType) continue;
    const file = path.join(dir, name);
    if (!statSync(file).isFile()) continue;
    const body = readFileSync(file);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    assets.set(name, { body, contentType, etag });
  }
  return assets;
}

function send(reply: FastifyReply, asset: Asset, ifNoneMatch: string | undefined): FastifyReply {
  reply.headers(SECURITY_HEADERS).header('cache-control', 'no-cache').header('etag', asset.etag);
  if (ifNoneMatch === asset.etag) return reply.code(304).send();
  return reply.type(asset.contentType).send(asset.body);
}

/** Fastify plugin: `app.register(cashierPage, { tillId: config.tillId })`. */
export async function cashierPage(fastify: FastifyInstance, opts: CashierPageOptions = {}): Promise<void> {
  const assets = loadAssets(opts.assetDir ?? resolveAssetDir());
  const index = assets.get('index.html');
  if (!index) throw new Error('cashier page: index.html is missing');
  const pageConfig = JSON.stringify({
    ...(opts.tillId ? { tillId: opts.tillId } : {}),
    ...(opts.statusPollMs ? { statusPollMs: opts.statusPollMs } : {}),
  });
  const configAsset: Asset = {
    body: Buffer.from(pageConfig),
    contentType: CONTENT_TYPES['.json']!,
    etag: `"${createHash('sha256').update(pageConfig).digest('base64url').slice(0, 27)}"`,
  };

  const page = (req: { headers: { 'if-none-match'?: string } }, reply: FastifyReply) =>
    send(reply, index, req.headers['if-none-match']);
  fastify.get('/', page);
  fastify.get('/cashier', page);
  fastify.get('/cashier/', page);
  fastify.get('/cashier/config.json', (req, reply) => send(reply, configAsset, req.headers['if-none-match']));
  fastify.get<{ Params: { file: string } }>('/cashier/:file', (req, reply) => {
    const asset = assets.get(req.params.file);
    if (!asset) {
      return reply
        .code(statusOf('NOT_FOUND'))
        .send(errorBody('NOT_FOUND', `Файл страницы кассира не найден: ${req.params.file}`));
    }
    return send(reply, asset, req.headers['if-none-match']);
  });
}
