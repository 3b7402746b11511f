// A tiny typed listener list (EventEmitter without string keys or `any`).

export class Listeners<T extends unknown[]> {
  private readonly list = new Set<(...args: T) => void>();

  add(listener: (...args: T) => void): () => void {
    this.list.add(listener);
    return () => this.list.delete(listener);
  }

  emit(...args: T): void {
    for (const listener of [...this.list]) listener(...args);
  }

  clear(): void {
    this.list.clear();
  }
}
