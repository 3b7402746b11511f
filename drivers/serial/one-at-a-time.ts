// Runs asynchronous work one piece at a time, in the order it was asked for: the serial port, the
// register's task buffer, a file rewritten in place all need "the next starts when the last ended".
// A failure is handed to its own caller only; the queue goes on with the next piece.

export class OneAtATime {
  /** The end of the last piece asked for; never rejects. */
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `work` after every piece asked for before it has settled; resolves or rejects as it does. */
  run<T>(work: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves when every piece asked for so far has settled (whether it succeeded or not). */
  async idle(): Promise<void> {
    await this.tail;
  }
}
