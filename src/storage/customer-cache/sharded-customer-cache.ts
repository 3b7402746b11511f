// The cloud's customers, cached for offline identification: 64 shard files (`shard-NN.json`) so a
// page of changes rewrites only the shards it touches, and in-memory indexes so a lookup by card,
// phone hash or id is one or two map reads. The cache is re-learnable from the cloud: a shard that
// cannot be read back is moved aside, logged and reported (`lostShards`) so the sync starts over.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { OneAtATime } from '../../../drivers/serial/one-at-a-time.js';
import type { CustomerCache } from '../../agent/ports.js';
import type { CachedCustomer } from '../../protocol/sync.js';
import { StoreClosedError, StoreReadOnlyError } from '../errors.js';
import { DamagedFileError } from '../file/damaged-file-error.js';
import { DurableFileAdapter } from '../file/durable-file-adapter.js';
import type { StoreLogger } from '../logger.js';
import { SHARD_COUNT, shardFileName, shardOf } from './shard-of.js';

const LOAD_CONCURRENCY = 4;

export interface ShardBody {
  /** The latest `updatedAt` of any change applied to this shard (deletions included). */
  updatedAt: string | null;
  customers: CachedCustomer[];
}

interface Shard {
  db: Low<ShardBody>;
  file: DurableFileAdapter<ShardBody>;
  byId: Map<string, CachedCustomer>;
}

export interface ShardedCustomerCacheOptions {
  logger: StoreLogger;
  readOnly?: boolean;
}

function isShardBody(body: unknown): body is ShardBody {
  if (typeof body !== 'object' || body === null) return false;
  const { updatedAt, customers } = body as Partial<ShardBody>;
  return (updatedAt === null || typeof updatedAt === 'string') && Array.isArray(customers);
}

function isCustomer(c: unknown): c is CachedCustomer {
  return typeof c === 'object' && c !== null && typeof (c as CachedCustomer).id === 'string';
}

function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

export class ShardedCustomerCache implements CustomerCache {
  private readonly cardIndex = new Map<string, string>();
  private readonly phoneIndex = new Map<string, string>();
  private latest: string | null = null;
  private count = 0;
  private readonly queue = new OneAtATime();
  private closed = false;

  private constructor(
    private readonly shards: Shard[],
    private readonly readOnly: boolean,
    /** Shards that were damaged beyond recovery at open and started empty. */
    readonly lostShards: number,
  ) {
    for (const shard of shards) {
      for (const c of shard.byId.values()) this.indexCustomer(c);
      this.count += shard.byId.size;
      this.latest = later(this.latest, shard.db.data.updatedAt);
    }
  }

  static async open(dir: string, options: ShardedCustomerCacheOptions): Promise<ShardedCustomerCache> {
    if (!options.readOnly) await mkdir(dir, { recursive: true });
    let lost = 0;
    const loadShard = async (n: number): Promise<Shard> => {
      const file = new DurableFileAdapter<ShardBody>(join(dir, shardFileName(n)), {
        logger: options.logger,
        readOnly: options.readOnly,
        validate: isShardBody,
      });
      const db = new Low<ShardBody>(file, { updatedAt: null, customers: [] });
      try {
        await db.read();
      } catch (e) {
        if (!(e instanceof DamagedFileError)) throw e;
        options.logger.error(
          { file: file.path, problem: e.reason },
          'customer cache shard damaged and no good backup copy: moved aside, starting it empty',
        );
        await file.quarantine();
        lost++;
      }
      const byId = new Map<string, CachedCustomer>();
      for (const c of db.data.customers) if (isCustomer(c)) byId.set(c.id, c);
      return { db, file, byId };
    };
    // A few shards in flight at a time: parsing is single-threaded anyway, and holding every raw
    // file at once would only raise the peak memory at startup.
    const shards: Shard[] = new Array(SHARD_COUNT);
    let next = 0;
    const worker = async () => {
      while (next < SHARD_COUNT) {
        const n = next++;
        shards[n] = await loadShard(n);
      }
    };
    await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, worker));
    return new ShardedCustomerCache(shards, options.readOnly === true, lost);
  }

  byId(id: string): CachedCustomer | undefined {
    return this.shards[shardOf(id)]!.byId.get(id);
  }

  byCard(card: string): CachedCustomer | undefined {
    const id = this.cardIndex.get(card);
    return id === undefined ? undefined : this.byId(id);
  }

  byPhoneHash(hash: string): CachedCustomer | undefined {
    const id = this.phoneIndex.get(hash);
    return id === undefined ? undefined : this.byId(id);
  }

  size(): number {
    return this.count;
  }

  updatedAt(): string | null {
    return this.latest;
  }

  /**
   * Applies upserts and deletions (`deleted: true`), in order, durably: each touched shard is
   * rewritten once. A shard whose write fails keeps its previous content (the page is fetched again).
   */
  apply(changes: CachedCustomer[]): Promise<void> {
    if (this.readOnly) return Promise.reject(new StoreReadOnlyError('apply customer changes'));
    if (this.closed) return Promise.reject(new StoreClosedError('apply customer changes'));
    return this.queue.run(() => this.applyNow(changes));
  }

  /** Waits for a running apply; later ones are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue.idle();
  }

  private async applyNow(changes: CachedCustomer[]): Promise<void> {
    const byShard = new Map<number, CachedCustomer[]>();
    for (const change of changes) {
      if (!isCustomer(change) || change.id.length === 0)
        throw new TypeError('a customer change needs a non-empty id');
      const n = shardOf(change.id);
      const list = byShard.get(n) ?? [];
      list.push(change);
      byShard.set(n, list);
    }
    const failures: unknown[] = [];
    await Promise.all(
      [...byShard].map(async ([n, shardChanges]) => {
        const shard = this.shards[n]!;
        const next = new Map(shard.byId);
        let updatedAt = shard.db.data.updatedAt;
        for (const c of shardChanges) {
          if (c.deleted) next.delete(c.id);
          else next.set(c.id, structuredClone(c));
          updatedAt = later(updatedAt, c.updatedAt ?? null);
        }
        const body: ShardBody = { updatedAt, customers: [...next.values()] };
        try {
          await shard.file.write(body);
        } catch (e) {
          failures.push(e);
          return;
        }
        this.commitShard(shard, next, body);
      }),
    );
    if (failures.length > 0) throw failures[0];
  }

  /** Makes a written shard current and moves the indexes from the old versions to the new. */
  private commitShard(shard: Shard, next: Map<string, CachedCustomer>, body: ShardBody): void {
    for (const [id, old] of shard.byId) if (next.get(id) !== old) this.unindexCustomer(old);
    for (const [id, c] of next) if (shard.byId.get(id) !== c) this.indexCustomer(c);
    this.count += next.size - shard.byId.size;
    shard.byId = next;
    shard.db.data = body;
    this.latest = later(this.latest, body.updatedAt);
  }

  private indexCustomer(c: CachedCustomer): void {
    for (const card of c.cards ?? []) this.cardIndex.set(card, c.id);
    if (c.phoneHash) this.phoneIndex.set(c.phoneHash, c.id);
  }

  private unindexCustomer(c: CachedCustomer): void {
    // Only if the key still points here: another customer may have taken the card since.
    for (const card of c.cards ?? []) if (this.cardIndex.get(card) === c.id) this.cardIndex.delete(card);
    if (c.phoneHash && this.phoneIndex.get(c.phoneHash) === c.id) this.phoneIndex.delete(c.phoneHash);
  }
}
