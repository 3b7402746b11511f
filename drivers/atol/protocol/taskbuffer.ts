// Task-buffer layer of ATOL v3 over the packet channel. Every command is a task:
// Add (NeedResult) -> A3/A4 carries the result at once, or A1/A2/A8 -> the result comes as an
// asynchronous 0xF0 packet (A6/A7) or is fetched by polling with Req. A finished task is
// acknowledged; to save a round trip the acknowledgement rides on the next Add (AckAdd).
// Reply layouts (DEVICES.md, as kurbatov/atol4j reads them from real registers): a reply to the
// host's own packet names no task — `A3 <result>`, `A4 <error result>`, `A1`/`A2`/`A8`/`A5` alone;
// the packet ID ties it to the request. Only the register's own 0xF0 packets name the task:
// `A6 TID <result>`, `A7 TID <error result>`.

import type { PacketChannel } from './channel.js';
import {
  AddFlag,
  bufferErrorText,
  isBufferError,
  isUnfinished,
  TaskReply,
  TaskRequest,
} from './task-codes.js';
import { TransportError } from './transport-error.js';

export interface TaskBufferOptions {
  /** Longest wait for a task's result after the register accepted it (spec: 15 s). */
  asyncTimeoutMs?: number;
  /** How often to poll with Req while no asynchronous result arrived. */
  pollIntervalMs?: number;
  /** Ask the register to push results as 0xF0 packets (WaitAsyncData); polling still backs it up. */
  asyncResults?: boolean;
}

export interface TaskResult {
  /** The register reported the task as failed (A4/A7); `data` then holds the error reply. */
  failed: boolean;
  data: Buffer;
}

export class TaskBufferError extends TransportError {
  constructor(readonly status: number) {
    super('protocol', bufferErrorText(status));
    this.name = 'TaskBufferError';
  }
}

/** TIDs share the packet ID range so a TID is never mistaken for STX or the async ID. */
const MAX_TID = 0xdf;

export class TaskBuffer {
  private nextTid = 0;
  private unacknowledged: number | null = null;
  private readonly asyncResults = new Map<number, TaskResult>();
  private readonly asyncWaiters = new Map<number, () => void>();
  private readonly detach: () => void;
  private readonly asyncTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly wantAsync: boolean;

  constructor(
    private readonly channel: PacketChannel,
    options: TaskBufferOptions = {},
  ) {
    this.asyncTimeoutMs = options.asyncTimeoutMs ?? 15_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.wantAsync = options.asyncResults ?? true;
    this.detach = channel.onAsync((data) => this.onAsync(data));
  }

  /** Clears the register's task buffer (done after every connect). */
  async abort(): Promise<void> {
    const reply = await this.channel.request(Buffer.of(TaskRequest.Abort));
    this.unacknowledged = null;
    this.asyncResults.clear();
    const status = reply[0] ?? 0;
    if (isBufferError(status)) throw new TaskBufferError(status);
  }

  /** Runs one command (`password | command | params`) and returns its result. */
  async run(payload: Buffer): Promise<TaskResult> {
    const tid = this.takeTid();
    this.asyncResults.delete(tid); // a late push for an older task with the same TID
    const flags = AddFlag.NeedResult | (this.wantAsync ? AddFlag.WaitAsyncData : 0);
    const op = this.unacknowledged === null ? TaskRequest.Add : TaskRequest.AckAdd;
    const reply = await this.channel.request(Buffer.concat([Buffer.of(op, flags, tid), payload]));
    this.unacknowledged = null;
    let result = this.finishedResult(reply);
    if (result === null) result = await this.waitForResult(tid);
    this.asyncResults.delete(tid);
    this.unacknowledged = tid;
    return result;
  }

  /** Acknowledges the last finished task now (before going idle or closing). */
  async acknowledge(): Promise<void> {
    const tid = this.unacknowledged;
    if (tid === null) return;
    this.unacknowledged = null;
    const reply = await this.channel.request(Buffer.of(TaskRequest.Ack, tid));
    const status = reply[0] ?? 0;
    if (isBufferError(status) && status !== TaskReply.NotFound) throw new TaskBufferError(status);
  }

  dispose(): void {
    this.detach();
    for (const wake of this.asyncWaiters.values()) wake();
    this.asyncWaiters.clear();
  }

  private takeTid(): number {
    const tid = this.nextTid;
    this.nextTid = tid >= MAX_TID ? 0 : tid + 1;
    return tid;
  }

  /** The result inside a reply to Add/Req (`A3|A4 <result>`, no TID), or null while the task is still running. */
  private finishedResult(reply: Buffer): TaskResult | null {
    const status = reply[0] ?? 0;
    if (isBufferError(status)) throw new TaskBufferError(status);
    if (isUnfinished(status)) return null;
    if (status !== TaskReply.Result && status !== TaskReply.Error) {
      throw new TransportError('protocol', `unexpected task reply 0x${status.toString(16)}`);
    }
    return { failed: status === TaskReply.Error, data: reply.subarray(1) };
  }

  private async waitForResult(tid: number): Promise<TaskResult> {
    const deadline = Date.now() + this.asyncTimeoutMs;
    for (;;) {
      const pushed = await this.awaitAsync(tid, Math.min(this.pollIntervalMs, deadline - Date.now()));
      if (pushed) return pushed;
      const polled = this.finishedResult(await this.channel.request(Buffer.of(TaskRequest.Req, tid)));
      if (polled) return polled;
      if (Date.now() >= deadline) {
        throw new TransportError('timeout', `task ${tid} gave no result within ${this.asyncTimeoutMs} ms`);
      }
    }
  }

  private awaitAsync(tid: number, waitMs: number): Promise<TaskResult | null> {
    const ready = this.takeAsync(tid);
    if (ready || waitMs <= 0) return Promise.resolve(ready);
    return new Promise((resolve) => {
      const timer = setTimeout(wake, waitMs);
      const self = this;
      function wake(): void {
        clearTimeout(timer);
        self.asyncWaiters.delete(tid);
        resolve(self.takeAsync(tid));
      }
      this.asyncWaiters.set(tid, wake);
    });
  }

  private takeAsync(tid: number): TaskResult | null {
    const result = this.asyncResults.get(tid) ?? null;
    this.asyncResults.delete(tid);
    return result;
  }

  private onAsync(data: Buffer): void {
    const status = data[0];
    const tid = data[1];
    if (tid === undefined || (status !== TaskReply.AsyncResult && status !== TaskReply.AsyncError)) return;
    this.asyncResults.set(tid, { failed: status === TaskReply.AsyncError, data: data.subarray(2) });
    this.asyncWaiters.get(tid)?.();
  }
}
