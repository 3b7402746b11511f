// Faults the virtual register can be told to produce, each once unless stated.

export type VirtualFault =
  /** The next reply frame goes out with a wrong CRC. */
  | { kind: 'bad-crc' }
  /** The first `count` bytes of the next reply frame are lost on the wire. */
  | { kind: 'drop-bytes'; count: number }
  /** The next packet is answered with an empty packet ("resend it") instead of being executed. */
  | { kind: 'resend-request' }
  /** When `command` arrives the register goes silent (answers nothing) until resume(). */
  | { kind: 'silent-on'; command: number }
  /** `command` executes but its reply (and every repeat of it) is lost on the wire. */
  | { kind: 'lose-reply-on'; command: number }
  /** Paper runs out just before `command` executes. */
  | { kind: 'paper-out-on'; command: number };
