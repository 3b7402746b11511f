// First bytes of task-buffer packets (ATOL v3): what the host asks, what the register answers.
// A reply to the host's packet carries no task ID (`A3 <result>`, `A1` alone); only the register's
// asynchronous 0xF0 packets do (`A6 TID <result>`, `A7 TID <error>`).

export const TaskRequest = {
  Add: 0xc1,
  Ack: 0xc2,
  Req: 0xc3,
  Abort: 0xc4,
  /** Acknowledges the previous finished task and adds a new one in one packet. */
  AckAdd: 0xc5,
} as const;

export const AddFlag = {
  NeedResult: 0x01,
  IgnoreError: 0x02,
  WaitAsyncData: 0x04,
} as const;

export const TaskReply = {
  Pending: 0xa1,
  InProgress: 0xa2,
  Result: 0xa3,
  Error: 0xa4,
  Stopped: 0xa5,
  AsyncResult: 0xa6,
  AsyncError: 0xa7,
  WaitingForDevice: 0xa8,
  Overflow: 0xb1,
  AlreadyExists: 0xb2,
  NotFound: 0xb3,
  IllegalValue: 0xb4,
} as const;

/** Replies meaning "accepted, the result comes later". */
export function isUnfinished(status: number): boolean {
  return (
    status === TaskReply.Pending || status === TaskReply.InProgress || status === TaskReply.WaitingForDevice
  );
}

export function isBufferError(status: number): boolean {
  return status >= TaskReply.Overflow && status <= TaskReply.IllegalValue;
}

export function bufferErrorText(status: number): string {
  switch (status) {
    case TaskReply.Overflow:
      return 'task buffer overflow';
    case TaskReply.AlreadyExists:
      return 'task ID already exists';
    case TaskReply.NotFound:
      return 'task not found';
    case TaskReply.IllegalValue:
      return 'illegal value in the task request';
    default:
      return `unexpected task-buffer reply 0x${status.toString(16)}`;
  }
}
