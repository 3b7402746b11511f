// The batch's books keep their records grouped in lists under a key (a customer, a receipt).

/** The list under `key`, started empty the first time the key is seen. */
export function listOf<K, V>(lists: Map<K, V[]>, key: K): V[] {
  let list = lists.get(key);
  if (!list) {
    list = [];
    lists.set(key, list);
  }
  return list;
}
