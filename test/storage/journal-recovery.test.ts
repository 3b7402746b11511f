// Damaged session-1 journal files (`seg-N.json`, whole-file writes with a `.bak`), met by the
// migration at open: recovered from the backup copy when one is good (and migrated from it),
// otherwise a clear StoreCorruptError naming the file and nothing changed on disk — a confirmed
// transaction is never dropped silently. (The append-only format: journal-log.test.ts.)
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreCorruptError } from '../../src/storage/errors.js';
import { encodeEnvelope } from '../../src/storage/file/envelope.js';
import { FileJournal } from '../../src/storage/journal/file-journal.js';
import { listDir, MemoryLogger, saleTx, tempDir } from './helpers.js';
import { segmentEntriesOnDisk, sessionOneJournal } from './journal-files.js';

const SEG1 = 'seg-000000000001.json';
const SEG4 = 'seg-000000000004.json';

/** `count` sales as session 1 wrote them, 3 to a segment. */
function journalWith(dir: string, count: number) {
  return sessionOneJournal(dir, count, 3);
}

async function truncate(path: string, keep: number) {
  const bytes = await readFile(path);
  await writeFile(path, bytes.subarray(0, Math.floor(bytes.length * keep)));
}

describe('FileJournal recovery', () => {
  it('a truncated segment is recovered from its backup copy, logged, and the damaged file kept aside', async () => {
    const dir = await tempDir();
    await journalWith(dir, 5);
    await truncate(join(dir, SEG4), 0.5);
    const logger = new MemoryLogger();
    const j = await FileJournal.open(dir, { logger, segmentSize: 3 });
    // The backup is the version before the last write: tx-5 is lost, and said so.
    expect(j.pending(10).map((e) => e.tx.id)).toEqual(['tx-1', 'tx-2', 'tx-3', 'tx-4']);
    expect(logger.at('warn')[0]!.obj).toMatchObject({ file: join(dir, SEG4) });
    expect(await listDir(dir)).toContain(`${SEG4}.corrupt`);
    // What the backup held is migrated; new entries follow it in the same append-only segment.
    expect((await j.append(saleTx(6))).seq).toBe(5);
    expect((await segmentEntriesOnDisk(dir, 'seg-000000000004.log')).map((e) => e.tx.id)).toEqual([
      'tx-4',
      'tx-6',
    ]);
  });

  it('a truncated segment without a good copy stops the start with StoreCorruptError naming it', async () => {
    const dir = await tempDir();
    await journalWith(dir, 4);
    // seg 4 was written once: it has no backup copy.
    await truncate(join(dir, SEG4), 0.7);
    const err = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 3 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreCorruptError);
    const corrupt = err as StoreCorruptError;
    expect(corrupt.file).toBe(join(dir, SEG4));
    expect(corrupt.reason).toMatch(/truncated/);
    expect(corrupt.message).toContain(join(dir, SEG4));
    expect(corrupt.message).toMatch(/move the file aside.*restart.*cloud has every transaction/i);
    // Nothing is moved or deleted: the operator decides.
    expect(await listDir(dir)).toEqual([SEG1, `${SEG1}.bak`, SEG4]);
  });

  it('garbage in a segment and in its backup copy is refused as well', async () => {
    const dir = await tempDir();
    await journalWith(dir, 3);
    await writeFile(join(dir, SEG1), '{"firstSeq":1,"entries":[{"tx":');
    await writeFile(join(dir, `${SEG1}.bak`), 'not json at all');
    await expect(FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 3 })).rejects.toThrow(
      StoreCorruptError,
    );
  });

  it('a well-formed file with the wrong content (seqs not matching its name) counts as damaged', async () => {
    const dir = await tempDir();
    await journalWith(dir, 1);
    const body = { firstSeq: 1, entries: [{ tx: { ...saleTx(1), seq: 7 }, state: 'pending', attempts: 0 }] };
    await writeFile(join(dir, SEG1), encodeEnvelope(JSON.stringify(body)));
    await expect(FileJournal.open(dir, { logger: new MemoryLogger() })).rejects.toThrow(
      /unexpected content shape/,
    );
  });

  it('a lone backup copy (its segment file lost) is still read', async () => {
    const dir = await tempDir();
    await journalWith(dir, 3);
    await rm(join(dir, SEG1));
    const logger = new MemoryLogger();
    const j = await FileJournal.open(dir, { logger, segmentSize: 3 });
    expect(j.pending(10).map((e) => e.tx.id)).toEqual(['tx-1', 'tx-2']);
    expect(logger.at('warn')).toHaveLength(1);
  });

  it('logs a seq gap between segments with the missing range', async () => {
    const dir = await tempDir();
    await journalWith(dir, 6);
    // The first segment restored from its backup: it lacks tx-3, which seg 4 follows.
    await rename(join(dir, `${SEG1}.bak`), join(dir, SEG1));
    const logger = new MemoryLogger();
    const j = await FileJournal.open(dir, { logger, segmentSize: 3 });
    expect(j.pending(10).map((e) => e.tx.seq)).toEqual([1, 2, 4, 5, 6]);
    expect(logger.at('error')[0]!.obj).toMatchObject({ missingFrom: 3, missingTo: 3 });
  });

  it('refuses segments whose seqs overlap', async () => {
    const dir = await tempDir();
    await journalWith(dir, 4);
    const body = { firstSeq: 2, entries: [{ tx: { ...saleTx(99), seq: 2 }, state: 'pending', attempts: 0 }] };
    await writeFile(join(dir, 'seg-000000000002.json'), encodeEnvelope(JSON.stringify(body)));
    const err = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 3 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreCorruptError);
    expect((err as StoreCorruptError).reason).toMatch(/overlap/);
  });
});
