import { afterEach, describe, expect, it } from 'vitest';
import { PacketChannel } from '../../../drivers/atol/protocol/channel.js';
import { TaskBuffer, TaskBufferError } from '../../../drivers/atol/protocol/taskbuffer.js';
import { TransportError } from '../../../drivers/atol/protocol/transport-error.js';
import { encodeFrame, type Frame } from '../../../drivers/atol/transport/frame.js';
import { FrameParser } from '../../../drivers/atol/transport/parser.js';
import { MemoryPair } from '../../../drivers/serial/memory-pair.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** A device end whose answers a test scripts frame by frame. */
class ScriptedDevice {
  readonly received: Frame[] = [];
  constructor(
    readonly pair: MemoryPair,
    private readonly answer: (frame: Frame, index: number) => Buffer[] | undefined,
  ) {
    pair.device.start();
    const parser = new FrameParser({
      onFrame: (frame) => {
        this.received.push(frame);
        for (const bytes of this.answer(frame, this.received.length - 1) ?? []) pair.device.write(bytes);
      },
    });
    pair.device.onData((chunk) => parser.push(chunk));
  }
  send(bytes: Buffer): void {
    this.pair.device.write(bytes);
  }
}

const reply = (id: number, data: string) => encodeFrame({ id, data: hex(data) });

const toClose: PacketChannel[] = [];
afterEach(() => {
  for (const c of toClose.splice(0)) c.close();
});

function setup(answer: (frame: Frame, index: number) => Buffer[] | undefined, opts = {}) {
  const pair = new MemoryPair();
  const device = new ScriptedDevice(pair, answer);
  pair.host.start();
  const channel = new PacketChannel(pair.host, { ackTimeoutMs: 30, retries: 2, firstId: 0x10, ...opts });
  toClose.push(channel);
  const tasks = new TaskBuffer(channel, { asyncTimeoutMs: 300, pollIntervalMs: 20 });
  return { pair, device, channel, tasks };
}

describe('PacketChannel', () => {
  it('rolls packet IDs 0x00..0xDF', async () => {
    const { device, channel } = setup((f) => [reply(f.id, 'A5')], { firstId: 0xde });
    for (let i = 0; i < 3; i++) await channel.request(hex('C4'));
    expect(device.received.map((f) => f.id)).toEqual([0xde, 0xdf, 0x00]);
  });

  it('resends the same packet after a timeout', async () => {
    const { device, channel } = setup((f, i) => (i === 0 ? [] : [reply(f.id, 'A5')]));
    expect(await channel.request(hex('C4'))).toEqual(hex('A5'));
    expect(device.received).toEqual([
      { id: 0x10, data: hex('C4') },
      { id: 0x10, data: hex('C4') },
    ]);
    expect(channel.stats.timeouts).toBe(1);
  });

  it('gives up with a timeout error after the retries', async () => {
    const { device, channel } = setup(() => []);
    const error = await channel.request(hex('C4')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).failure).toBe('timeout');
    expect(device.received).toHaveLength(3);
  });

  it('asks for a resend (empty packet, same ID) when a reply arrives with a bad CRC', async () => {
    const { device, channel } = setup((f, i) =>
      i === 0 ? [Buffer.concat([reply(f.id, 'A5').subarray(0, -1), hex('00')])] : [reply(f.id, 'A5')],
    );
    expect(await channel.request(hex('C4'))).toEqual(hex('A5'));
    expect(device.received[1]).toEqual({ id: 0x10, data: Buffer.alloc(0) });
    expect(channel.stats.resendsRequested).toBe(1);
  });

  it('repeats its packet when the register sends an empty packet with that ID', async () => {
    const { device, channel } = setup((f, i) => (i === 0 ? [reply(f.id, '')] : [reply(f.id, 'A5')]));
    expect(await channel.request(hex('C4'))).toEqual(hex('A5'));
    expect(device.received[1]).toEqual({ id: 0x10, data: hex('C4') });
    expect(channel.stats.resendsAnswered).toBe(1);
  });

  it('ignores replies with another ID (late duplicates)', async () => {
    const { channel } = setup((f) => [reply(f.id - 1, 'A3 00'), reply(f.id, 'A5')]);
    expect(await channel.request(hex('C4'))).toEqual(hex('A5'));
  });

  it('fails the request in flight when the link goes down, and refuses while down', async () => {
    const { pair, channel } = setup(() => []);
    const pending = channel.request(hex('C4'));
    pair.unplug();
    await expect(pending).rejects.toMatchObject({ failure: 'disconnected' });
    await expect(channel.request(hex('C4'))).rejects.toMatchObject({ failure: 'disconnected' });
  });
});

describe('TaskBuffer', () => {
  it('Add with NeedResult returns an A3 result at once; the next Add acknowledges it (AckAdd)', async () => {
    const { device, tasks } = setup((f) => [reply(f.id, f.data[0] === 0xc2 ? 'A5' : 'A3 55 00 00')]);
    const first = await tasks.run(hex('00 00 A5'));
    expect(first).toEqual({ failed: false, data: hex('55 00 00') });
    await tasks.run(hex('00 00 3F'));
    expect(device.received.map((f) => f.data)).toEqual([hex('C1 05 00 00 00 A5'), hex('C5 05 01 00 00 3F')]);
    await tasks.acknowledge();
    expect(device.received.at(-1)!.data).toEqual(hex('C2 01'));
  });

  it('A4 marks the task failed with the error reply', async () => {
    const { tasks } = setup((f) => [reply(f.id, 'A4 55 67 00')]);
    expect(await tasks.run(hex('00 00 92 00 01'))).toEqual({ failed: true, data: hex('55 67 00') });
  });

  it('A1 then an asynchronous 0xF0 result', async () => {
    const { device, tasks } = setup((f) => {
      if (f.data[0] !== 0xc1) return [];
      setTimeout(() => device.send(reply(0xf0, 'A6 00 55 00 00')), 5);
      return [reply(f.id, 'A1')];
    });
    expect(await tasks.run(hex('00 00 4A 00 01 00 00 00 00 00'))).toEqual({
      failed: false,
      data: hex('55 00 00'),
    });
    expect(device.received).toHaveLength(1); // no polling was needed
  });

  it('an asynchronous error (A7) is a failed result', async () => {
    const { device, tasks } = setup((f) => {
      setTimeout(() => device.send(reply(0xf0, 'A7 00 55 67 00')), 5);
      return [reply(f.id, 'A1')];
    });
    expect(await tasks.run(hex('00 00 4A'))).toEqual({ failed: true, data: hex('55 67 00') });
  });

  it('A1/A2/A8 without an async packet: polls with Req until A3', async () => {
    let polls = 0;
    const { device, tasks } = setup((f) => {
      if (f.data[0] === 0xc1) return [reply(f.id, 'A1')];
      polls++;
      return [reply(f.id, polls < 2 ? 'A2' : polls < 3 ? 'A8' : 'A3 55 00 00')];
    });
    expect(await tasks.run(hex('00 00 5A'))).toEqual({ failed: false, data: hex('55 00 00') });
    expect(device.received.slice(1).map((f) => f.data)).toEqual([hex('C3 00'), hex('C3 00'), hex('C3 00')]);
  });

  it('times out when the task never finishes', async () => {
    const { tasks } = setup((f) => [reply(f.id, f.data[0] === 0xc1 ? 'A1' : 'A2')]);
    await expect(tasks.run(hex('00 00 5A'))).rejects.toMatchObject({ failure: 'timeout' });
  });

  it('buffer errors (B1..B4) become TaskBufferError', async () => {
    for (const [code, text] of [
      ['B1', 'overflow'],
      ['B2', 'already exists'],
      ['B3', 'not found'],
      ['B4', 'illegal value'],
    ] as const) {
      const { tasks } = setup((f) => [reply(f.id, code)]);
      const error = await tasks.run(hex('00 00 3F')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskBufferError);
      expect((error as Error).message).toContain(text);
    }
  });

  it('A3 carries no TID: the byte after it is the result, whatever the task number', async () => {
    // A reading that takes a TID after A3 would see task 0x44 / 0x55 here and fail.
    const { tasks } = setup((f) => [reply(f.id, f.data[5] === 0x3f ? 'A3 44 01 02' : 'A3 55 00 00')]);
    expect(await tasks.run(hex('00 00 3F'))).toEqual({ failed: false, data: hex('44 01 02') });
    expect(await tasks.run(hex('00 00 A5'))).toEqual({ failed: false, data: hex('55 00 00') });
  });

  it('an asynchronous status (A6/A7) in the reply to our own packet is a protocol error', async () => {
    const { tasks } = setup((f) => [reply(f.id, 'A6 00 55 00 00')]);
    await expect(tasks.run(hex('00 00 3F'))).rejects.toMatchObject({ failure: 'protocol' });
  });

  it('ignores an 0xF0 result for another task and keeps waiting for its own', async () => {
    const { device, tasks } = setup((f) => {
      if (f.data[0] !== 0xc1) return [reply(f.id, 'A2')];
      setTimeout(() => device.send(reply(0xf0, 'A6 09 55 01 00')), 2);
      setTimeout(() => device.send(reply(0xf0, 'A6 00 55 00 00')), 10);
      return [reply(f.id, 'A1')];
    });
    expect(await tasks.run(hex('00 00 4A'))).toEqual({ failed: false, data: hex('55 00 00') });
  });

  it('Abort sends C4 and forgets the unacknowledged task', async () => {
    const { device, tasks } = setup((f) => [reply(f.id, f.data[0] === 0xc4 ? 'A5' : 'A3 55 00 00')]);
    await tasks.run(hex('00 00 3F'));
    await tasks.abort();
    await tasks.run(hex('00 00 3F'));
    expect(device.received.map((f) => f.data[0])).toEqual([0xc1, 0xc4, 0xc1]);
  });
});
