// VirtualAtol: a register that speaks the same bytes as a real ATOL v3 device over any ByteLink.
// It decodes frames, emulates the task buffer (Add/AckAdd/Req/Ack/Abort, pending tasks with
// asynchronous 0xF0 results), answers a repeated packet ID from its reply cache instead of
// executing twice, and can inject faults. The fiscal state itself lives in FiscalCore.
// Replies as real hardware sends them (DEVICES.md): a reply to the host's packet names no task
// (`A3 <result>`, `A4 <error>`, `A1`/`A2`/`A5` alone); only 0xF0 packets do (`A6|A7 TID <result>`).

import type { ByteLink } from '../../serial/byte-link.js';
import { decodeCommand, REPLY_MARKER } from '../commands/envelope.js';
import { AddFlag, TaskReply, TaskRequest } from '../protocol/task-codes.js';
import { ASYNC_PACKET_ID, type CrcOptions, encodeFrame, type Frame, frameCrc } from '../transport/frame.js';
import { FrameParser } from '../transport/parser.js';
import { stuffBytes } from '../transport/stuffing.js';
import type { VirtualFault } from './faults.js';
import { FiscalCore, type FiscalCoreOptions } from './fiscal-core.js';
import type { JournalEntry } from './journal.js';

export interface VirtualAtolOptions extends FiscalCoreOptions, CrcOptions {
  /** Time printing commands (open shift, close receipt, Z report) take; 0 = answer at once. */
  processingMs?: number;
  /**
   * 'sync' (default): a task's result comes in the reply to Add (A3/A4), except printing commands
   * while `processingMs` > 0. 'async': every task is answered A1 first and its result comes later,
   * as an 0xF0 packet (A6/A7) when the host asked for it (WaitAsyncData) and to Req in any case.
   */
  resultMode?: 'sync' | 'async';
  /** Finished tasks the buffer keeps before answering Overflow. */
  bufferCapacity?: number;
}

interface Task {
  done: boolean;
  /** Status byte (A3/A4) and command reply, as Req returns it (no TID). */
  result: Buffer | null;
  timer: NodeJS.Timeout | undefined;
}

export interface VirtualAtolStats {
  framesReceived: number;
  repliesSent: number;
  /** Empty packets from the host asking for our last reply again. */
  resendRequests: number;
  /** Packets repeated by the host (same ID and DATA) answered from the cache. */
  duplicatePackets: number;
  badFrames: number;
}

export class VirtualAtol {
  readonly core: FiscalCore;
  readonly stats: VirtualAtolStats = {
    framesReceived: 0,
    repliesSent: 0,
    resendRequests: 0,
    duplicatePackets: 0,
    badFrames: 0,
  };
  private readonly parser: FrameParser;
  private readonly tasks = new Map<number, Task>();
  private readonly faults: VirtualFault[] = [];
  private links: ByteLink[] = [];
  private silent = false;
  private last: { id: number; data: Buffer; reply: Buffer; lost: boolean } | null = null;
  private loseNextReply = false;
  private readonly processingMs: number;
  private readonly asyncMode: boolean;
  private readonly capacity: number;

  constructor(private readonly options: VirtualAtolOptions = {}) {
    this.core = new FiscalCore(options);
    this.processingMs = options.processingMs ?? 0;
    this.asyncMode = options.resultMode === 'async';
    this.capacity = options.bufferCapacity ?? 16;
    this.parser = new FrameParser(
      {
        onFrame: (frame) => this.onFrame(frame),
        onFault: (f) => f.kind !== 'noise' && this.stats.badFrames++,
      },
      options,
    );
  }

  get journal(): readonly JournalEntry[] {
    return this.core.journal;
  }

  get isSilent(): boolean {
    return this.silent;
  }

  /** Speaks over `link` (which must already be started by the caller); returns a detach function. */
  attach(link: ByteLink): () => void {
    this.links.push(link);
    const offData = link.onData((chunk) => this.parser.push(chunk));
    const offDown = link.onDown(() => this.parser.reset());
    return () => {
      offData();
      offDown();
      this.links = this.links.filter((l) => l !== link);
    };
  }

  injectFault(fault: VirtualFault): void {
    this.faults.push(fault);
  }

  setPaper(present: boolean): void {
    this.core.paper = present;
  }

  expireShift(): void {
    this.core.expireShift();
  }

  goSilent(): void {
    this.silent = true;
  }

  resume(): void {
    this.silent = false;
  }

  /** Stops pending task timers (the process or test is ending). */
  dispose(): void {
    for (const task of this.tasks.values()) clearTimeout(task.timer);
    this.tasks.clear();
  }

  private onFrame(frame: Frame): void {
    if (this.silent) return;
    this.stats.framesReceived++;
    const last = this.last;
    if (frame.data.length === 0) {
      if (last && last.id === frame.id) {
        this.stats.resendRequests++;
        if (!last.lost) this.send(frame.id, last.reply);
      }
      return;
    }
    if (last && last.id === frame.id && last.data.equals(frame.data)) {
      this.stats.duplicatePackets++;
      if (!last.lost) this.send(frame.id, last.reply);
      return;
    }
    if (this.takeFault('resend-request')) {
      this.send(frame.id, Buffer.alloc(0));
      return;
    }
    const reply = this.handleTaskRequest(frame.data);
    if (reply === null) return;
    const lost = this.loseNextReply;
    this.loseNextReply = false;
    this.last = { id: frame.id, data: Buffer.from(frame.data), reply, lost };
    if (!lost) this.send(frame.id, reply);
  }

  /** The reply to one task-buffer packet, or null when the register went silent. */
  private handleTaskRequest(data: Buffer): Buffer | null {
    const op = data[0];
    switch (op) {
      case TaskRequest.Add:
      case TaskRequest.AckAdd:
        if (op === TaskRequest.AckAdd) this.dropFinishedTasks();
        return this.add(data);
      case TaskRequest.Ack: {
        const tid = data[1];
        if (tid === undefined || !this.tasks.has(tid)) return Buffer.of(TaskReply.NotFound);
        clearTimeout(this.tasks.get(tid)!.timer);
        this.tasks.delete(tid);
        return Buffer.of(TaskReply.Stopped);
      }
      case TaskRequest.Req: {
        const tid = data[1];
        const task = tid === undefined ? undefined : this.tasks.get(tid);
        if (tid === undefined || !task) return Buffer.of(TaskReply.NotFound);
        return task.done && task.result ? task.result : Buffer.of(TaskReply.InProgress);
      }
      case TaskRequest.Abort:
        this.dispose();
        return Buffer.of(TaskReply.Stopped);
      default:
        return Buffer.of(TaskReply.IllegalValue);
    }
  }

  private add(data: Buffer): Buffer | null {
    const flags = data[1];
    const tid = data[2];
    const command = flags === undefined || tid === undefined ? null : decodeCommand(data.subarray(3));
    if (tid === undefined || flags === undefined || !command) return Buffer.of(TaskReply.IllegalValue);
    if (this.tasks.has(tid)) return Buffer.of(TaskReply.AlreadyExists);
    if (this.tasks.size >= this.capacity) return Buffer.of(TaskReply.Overflow);
    if (this.takeFault('silent-on', command.command)) {
      this.silent = true;
      return null;
    }
    if (this.takeFault('paper-out-on', command.command)) this.core.paper = false;
    if (this.takeFault('lose-reply-on', command.command)) this.loseNextReply = true;

    const task: Task = { done: false, result: null, timer: undefined };
    this.tasks.set(tid, task);
    const slow = this.processingMs > 0 && FiscalCore.isSlow(command.command);
    if (this.asyncMode || slow) {
      task.timer = setTimeout(
        () => {
          const failed = this.finish(task, this.core.execute(command));
          if (flags & AddFlag.WaitAsyncData && !this.silent) {
            const status = failed ? TaskReply.AsyncError : TaskReply.AsyncResult;
            this.send(ASYNC_PACKET_ID, Buffer.concat([Buffer.of(status, tid), task.result!.subarray(1)]));
          }
        },
        slow ? this.processingMs : 0,
      );
      return Buffer.of(TaskReply.Pending);
    }
    this.finish(task, this.core.execute(command));
    return task.result;
  }

  /** Stores the task's result as `A3|A4 <command reply>`; true when the command failed. */
  private finish(task: Task, reply: Buffer): boolean {
    const failed = reply[0] === REPLY_MARKER && reply[1] !== 0;
    task.done = true;
    task.result = Buffer.concat([Buffer.of(failed ? TaskReply.Error : TaskReply.Result), reply]);
    return failed;
  }

  private dropFinishedTasks(): void {
    for (const [tid, task] of this.tasks) if (task.done) this.tasks.delete(tid);
  }

  private takeFault(kind: VirtualFault['kind'], command?: number): VirtualFault | undefined {
    const index = this.faults.findIndex(
      (f) => f.kind === kind && (!('command' in f) || f.command === command),
    );
    return index < 0 ? undefined : this.faults.splice(index, 1)[0];
  }

  private send(id: number, data: Buffer): void {
    let bytes = encodeFrame({ id, data }, this.options);
    if (this.takeFault('bad-crc')) {
      const wrongCrc = frameCrc(id, data, this.options) ^ 0x5a;
      bytes = Buffer.concat([bytes.subarray(0, 4), stuffBytes(data), stuffBytes(Uint8Array.of(wrongCrc))]);
    }
    const drop = this.takeFault('drop-bytes');
    if (drop && drop.kind === 'drop-bytes') bytes = bytes.subarray(drop.count);
    this.stats.repliesSent++;
    for (const link of this.links) link.write(bytes);
  }
}
