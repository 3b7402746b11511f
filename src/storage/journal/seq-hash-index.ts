// A compact multimap key → seq for every journalled transaction (tx ids, receipt ids, return ids):
// an open-addressing table of 32-bit key hashes and seqs in typed arrays, ~12 bytes a slot, instead
// of a Map holding every key string. A hash names CANDIDATE seqs only: the caller reads those
// entries and keeps the ones whose key really matches (two keys share a hash about once in 4·10⁹).

const EMPTY = 0;
const MAX_LOAD = 0.7;
const INITIAL_CAPACITY = 1024;

export class SeqHashIndex {
  private hashes = new Uint32Array(INITIAL_CAPACITY);
  /** seq + 1, so that 0 marks a free slot; Float64 holds any safe-integer seq. */
  private seqs = new Float64Array(INITIAL_CAPACITY);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table. */
  get byteLength(): number {
    return this.hashes.byteLength + this.seqs.byteLength;
  }

  add(key: string, seq: number): void {
    if ((this.count + 1) / this.hashes.length > MAX_LOAD) this.resize(this.hashes.length * 2);
    this.place(hashOf(key), seq + 1);
    this.count++;
  }

  /** The seqs stored under `key`'s hash, ascending (may include other keys' seqs). */
  candidates(key: string): number[] {
    const hash = hashOf(key);
    const mask = this.hashes.length - 1;
    const found: number[] = [];
    for (let i = hash & mask; this.seqs[i] !== EMPTY; i = (i + 1) & mask) {
      if (this.hashes[i] === hash) found.push(this.seqs[i]! - 1);
    }
    return found.length > 1 ? found.sort((a, b) => a - b) : found;
  }

  /** Drops every seq for which `keep` says no (a full rebuild: meant for compaction, which is rare). */
  retain(keep: (seq: number) => boolean): void {
    const oldHashes = this.hashes;
    const oldSeqs = this.seqs;
    let kept = 0;
    for (let i = 0; i < oldSeqs.length; i++) if (oldSeqs[i] !== EMPTY && keep(oldSeqs[i]! - 1)) kept++;
    let capacity = INITIAL_CAPACITY;
    while (kept / capacity > MAX_LOAD / 2) capacity *= 2;
    this.hashes = new Uint32Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.count = 0;
    for (let i = 0; i < oldSeqs.length; i++) {
      if (oldSeqs[i] !== EMPTY && keep(oldSeqs[i]! - 1)) {
        this.place(oldHashes[i]!, oldSeqs[i]!);
        this.count++;
      }
    }
  }

  private resize(capacity: number): void {
    const oldHashes = this.hashes;
    const oldSeqs = this.seqs;
    this.hashes = new Uint32Array(capacity);
    this.seqs = new Float64Array(capacity);
    for (let i = 0; i < oldSeqs.length; i++) {
      if (oldSeqs[i] !== EMPTY) this.place(oldHashes[i]!, oldSeqs[i]!);
    }
  }

  private place(hash: number, storedSeq: number): void {
    const mask = this.hashes.length - 1;
    let i = hash & mask;
    while (this.seqs[i] !== EMPTY) i = (i + 1) & mask;
    this.hashes[i] = hash;
    this.seqs[i] = storedSeq;
  }
}

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser so similar ids spread over the table. */
export function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
