// Which shard file holds a customer: FNV-1a (32-bit) of the id, modulo the shard count. The hash is
// part of the on-disk format — changing it would strand customers in the wrong files.

export const SHARD_COUNT = 64;

export function shardOf(customerId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < customerId.length; i++) {
    h ^= customerId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % SHARD_COUNT;
}

export function shardFileName(shard: number): string {
  return `shard-${String(shard).padStart(2, '0')}.json`;
}
