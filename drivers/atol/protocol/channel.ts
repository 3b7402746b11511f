// Packet layer of ATOL v3: one request at a time, each with its own rolling packet ID; the reply
// carries the same ID. Lost or damaged packets are repaired here so the layers above see a
// reliable request/reply pipe:
// - no reply in time        -> send the same packet again (same ID: the register answers a
//                              repeated ID from its cache instead of executing twice);
// - a reply with a bad CRC  -> send an empty packet with our ID ("resend it");
// - an empty packet from the register with our ID -> it asks us to resend our packet.
// Packets with ID 0xF0 are asynchronous task results and go to onAsync listeners.

import type { ByteLink } from '../../serial/byte-link.js';
import { Listeners } from '../../serial/listeners.js';
import { OneAtATime } from '../../serial/one-at-a-time.js';
import { ASYNC_PACKET_ID, encodeFrame, type Frame, MAX_PACKET_ID } from '../transport/frame.js';
import { type FrameFault, FrameParser, type FrameParserOptions } from '../transport/parser.js';
import { TransportError } from './transport-error.js';

export interface PacketChannelOptions extends FrameParserOptions {
  /** How long to wait for the reply to one packet (spec: 500 ms). */
  ackTimeoutMs?: number;
  /** Extra sends of one packet (after timeouts, bad CRCs, resend requests) before giving up. */
  retries?: number;
  /** First packet ID; random by default so a fresh channel never repeats the register's last ID. */
  firstId?: number;
}

export interface ChannelStats {
  packetsSent: number;
  repliesReceived: number;
  /** We asked the register to repeat a damaged reply. */
  resendsRequested: number;
  /** The register asked us to repeat a packet. */
  resendsAnswered: number;
  timeouts: number;
  damagedFrames: number;
  bytesOut: number;
  bytesIn: number;
}

interface PendingRequest {
  id: number;
  frame: Buffer;
  attempts: number;
  timer: NodeJS.Timeout | undefined;
  resolve(data: Buffer): void;
  reject(error: Error): void;
}

export class PacketChannel {
  readonly stats: ChannelStats = {
    packetsSent: 0,
    repliesReceived: 0,
    resendsRequested: 0,
    resendsAnswered: 0,
    timeouts: 0,
    damagedFrames: 0,
    bytesOut: 0,
    bytesIn: 0,
  };
  private readonly parser: FrameParser;
  private readonly asyncListeners = new Listeners<[Buffer]>();
  private readonly detach: (() => void)[];
  private readonly ackTimeoutMs: number;
  private readonly retries: number;
  private nextId: number;
  private pending: PendingRequest | null = null;
  private readonly queue = new OneAtATime();
  private closed = false;

  constructor(
    private readonly link: ByteLink,
    private readonly options: PacketChannelOptions = {},
  ) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 500;
    this.retries = options.retries ?? 3;
    this.nextId = options.firstId ?? Math.floor(Math.random() * (MAX_PACKET_ID + 1));
    this.parser = new FrameParser(
      { onFrame: (frame) => this.onFrame(frame), onFault: (fault) => this.onFault(fault) },
      options,
    );
    this.detach = [
      link.onData((chunk) => {
        this.stats.bytesIn += chunk.length;
        this.parser.push(chunk);
      }),
      link.onDown(() => {
        this.parser.reset();
        this.fail(new TransportError('disconnected', 'the register link went down'));
      }),
    ];
  }

  /** Sends one packet and resolves with the DATA of the register's reply. Requests are serialised. */
  request(data: Buffer): Promise<Buffer> {
    return this.queue.run(() => this.send(data));
  }

  onAsync(listener: (data: Buffer) => void): () => void {
    return this.asyncListeners.add(listener);
  }

  /** Stops listening to the link and fails the request in flight. */
  close(): void {
    this.closed = true;
    for (const off of this.detach) off();
    this.asyncListeners.clear();
    this.fail(new TransportError('closed', 'the register channel was closed'));
  }

  private send(data: Buffer): Promise<Buffer> {
    if (this.closed) return Promise.reject(new TransportError('closed', 'the register channel was closed'));
    const id = this.takeId();
    const frame = encodeFrame({ id, data }, this.options);
    return new Promise<Buffer>((resolve, reject) => {
      this.pending = { id, frame, attempts: 0, timer: undefined, resolve, reject };
      this.transmit(frame);
    });
  }

  private takeId(): number {
    const id = this.nextId;
    this.nextId = id >= MAX_PACKET_ID ? 0 : id + 1;
    return id;
  }

  /** Writes a packet for the pending request and (re)arms its reply timer. */
  private transmit(bytes: Buffer): void {
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    if (!this.link.write(bytes)) {
      this.fail(new TransportError('disconnected', 'the register link is down'));
      return;
    }
    this.stats.packetsSent++;
    this.stats.bytesOut += bytes.length;
    pending.timer = setTimeout(() => this.onTimeout(), this.ackTimeoutMs);
  }

  /** Counts one more try of the pending request; fails it when the tries are used up. */
  private retry(bytes: Buffer, reason: string): void {
    const pending = this.pending;
    if (!pending) return;
    pending.attempts++;
    if (pending.attempts > this.retries) {
      this.fail(new TransportError('timeout', `no valid reply from the register (${reason})`));
      return;
    }
    this.transmit(bytes);
  }

  private onTimeout(): void {
    this.stats.timeouts++;
    const pending = this.pending;
    if (pending) this.retry(pending.frame, `${this.ackTimeoutMs} ms timeout`);
  }

  private onFrame(frame: Frame): void {
    if (frame.id === ASYNC_PACKET_ID) {
      this.asyncListeners.emit(frame.data);
      return;
    }
    const pending = this.pending;
    if (!pending || frame.id !== pending.id) return; // a late duplicate of an older reply
    if (frame.data.length === 0) {
      this.stats.resendsAnswered++;
      this.retry(pending.frame, 'the register kept asking to resend');
      return;
    }
    this.stats.repliesReceived++;
    clearTimeout(pending.timer);
    this.pending = null;
    pending.resolve(frame.data);
  }

  private onFault(fault: FrameFault): void {
    if (fault.kind !== 'bad-crc' && fault.kind !== 'bad-escape') return;
    this.stats.damagedFrames++;
    const pending = this.pending;
    if (!pending) return;
    this.stats.resendsRequested++;
    this.retry(
      encodeFrame({ id: pending.id, data: Buffer.alloc(0) }, this.options),
      'replies kept arriving damaged',
    );
  }

  private fail(error: TransportError): void {
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending = null;
    pending.reject(error);
  }
}
