// Streaming decoder of ATOL v3 frames. Fed with arbitrary chunks, it emits whole frames, skips
// noise, resynchronises on every STX (STX never occurs inside a stuffed frame) and reports
// frames whose CRC or stuffing is broken instead of passing them on.

import { type CrcOptions, type Frame, frameCrc, MAX_DATA_LENGTH } from './frame.js';
import { ESC, STX, unescapeByte } from './stuffing.js';

export type FrameFaultKind = 'bad-crc' | 'bad-escape' | 'bad-header' | 'truncated' | 'noise';

export interface FrameFault {
  kind: FrameFaultKind;
  /** Packet ID when the header was read (the sender's ID of the broken frame). */
  id?: number;
  /** Number of bytes thrown away because of this fault. */
  droppedBytes: number;
}

export interface FrameParserHandlers {
  onFrame(frame: Frame): void;
  onFault?(fault: FrameFault): void;
}

export interface FrameParserOptions extends CrcOptions {
  /** Frames announcing more DATA than this are treated as noise. */
  maxDataLength?: number;
}

type Stage = 'hunt' | 'len0' | 'len1' | 'id' | 'data' | 'crc';

export class FrameParser {
  private stage: Stage = 'hunt';
  private length = 0;
  private id = 0;
  private data: number[] = [];
  private stuffed: number[] = [];
  private escaping = false;
  private consumed = 0;
  private noise = 0;
  private readonly maxDataLength: number;

  constructor(
    private readonly handlers: FrameParserHandlers,
    private readonly options: FrameParserOptions = {},
  ) {
    this.maxDataLength = Math.min(options.maxDataLength ?? MAX_DATA_LENGTH, MAX_DATA_LENGTH);
  }

  push(chunk: Uint8Array): void {
    for (const byte of chunk) this.feed(byte);
    this.flushNoise();
  }

  /** Forgets a partly received frame (e.g. after the port was reopened). */
  reset(): void {
    this.stage = 'hunt';
    this.noise = 0;
  }

  private feed(byte: number): void {
    if (byte === STX) {
      if (this.stage !== 'hunt') this.fault('truncated', this.consumed);
      this.flushNoise();
      this.startFrame();
      return;
    }
    this.consumed++;
    switch (this.stage) {
      case 'hunt':
        this.noise++;
        return;
      case 'len0':
        if (byte > 0x7f) {
          this.fault('bad-header', this.consumed);
          return;
        }
        this.length = byte;
        this.stage = 'len1';
        return;
      case 'len1':
        this.length |= byte << 7;
        if (this.length > this.maxDataLength) {
          this.fault('bad-header', this.consumed);
          return;
        }
        this.stage = 'id';
        return;
      case 'id':
        this.id = byte;
        this.stage = this.length === 0 ? 'crc' : 'data';
        return;
      case 'data':
      case 'crc':
        this.feedStuffed(byte);
        return;
    }
  }

  private feedStuffed(byte: number): void {
    if (this.stage === 'data') this.stuffed.push(byte);
    let value = byte;
    if (this.escaping) {
      this.escaping = false;
      const original = unescapeByte(byte);
      if (original === null) {
        this.fault('bad-escape', this.consumed, this.id);
        return;
      }
      value = original;
    } else if (byte === ESC) {
      this.escaping = true;
      return;
    }
    if (this.stage === 'data') {
      this.data.push(value);
      if (this.data.length === this.length) this.stage = 'crc';
      return;
    }
    this.finishFrame(value);
  }

  private finishFrame(receivedCrc: number): void {
    const data = Buffer.from(this.data);
    const covered = this.options.crcOverStuffed ? Buffer.from(this.stuffed) : data;
    const expected = frameCrc(this.id, covered, {});
    const id = this.id;
    const size = this.consumed;
    this.stage = 'hunt';
    if (expected !== receivedCrc) {
      this.handlers.onFault?.({ kind: 'bad-crc', id, droppedBytes: size });
      return;
    }
    this.handlers.onFrame({ id, data });
  }

  private startFrame(): void {
    this.stage = 'len0';
    this.length = 0;
    this.data = [];
    this.stuffed = [];
    this.escaping = false;
    this.consumed = 1;
  }

  private fault(kind: FrameFaultKind, droppedBytes: number, id?: number): void {
    this.stage = 'hunt';
    this.handlers.onFault?.(id === undefined ? { kind, droppedBytes } : { kind, id, droppedBytes });
  }

  private flushNoise(): void {
    if (this.noise === 0) return;
    const droppedBytes = this.noise;
    this.noise = 0;
    this.handlers.onFault?.({ kind: 'noise', droppedBytes });
  }
}

/** Decodes a complete byte sequence at once; handy for tests and tools. */
export function decodeFrames(
  bytes: Uint8Array,
  options: FrameParserOptions = {},
): { frames: Frame[]; faults: FrameFault[] } {
  const frames: Frame[] = [];
  const faults: FrameFault[] = [];
  const parser = new FrameParser({ onFrame: (f) => frames.push(f), onFault: (f) => faults.push(f) }, options);
  parser.push(bytes);
  return { frames, faults };
}
