// Raised by a read when neither a file nor its backup copy holds a good version. The component
// that owns the file decides what that means (refuse to start, or start empty and log).

export class DamagedFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'DamagedFileError';
  }
}
