// Failures below the application layer: the register did not answer in time, or the link is down.

export type TransportFailure = 'timeout' | 'disconnected' | 'closed' | 'protocol';

export class TransportError extends Error {
  constructor(
    readonly failure: TransportFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}
