// AtolRegister: the FiscalRegister of an ATOL v3 register over any ByteLink (serial port, pty,
// in-memory pair). On every (re)connect it clears the task buffer, reads the status and cancels
// a receipt a crash left open; it follows link losses by itself, so it never needs a restart.

import { registerPaymentOrder } from '../register/payments.js';
import {
  type FiscalDocument,
  type FiscalReceiptRequest,
  type FiscalRegister,
  REGISTER_LOCAL_CODES,
  RegisterError,
  type RegisterState,
  type RegisterStateName,
} from '../register/types.js';
import { type BackoffOptions, backoffDelay } from '../serial/backoff.js';
import type { ByteLink } from '../serial/byte-link.js';
import { Listeners } from '../serial/listeners.js';
import { OneAtATime } from '../serial/one-at-a-time.js';
import { RegisterMode } from './commands/codes.js';
import { replyData } from './commands/envelope.js';
import {
  fnDocumentCommand,
  fnNumberCommand,
  parseFnDocumentReply,
  parseFnNumberReply,
} from './commands/fn.js';
import { enterModeCommand, leaveModeCommand } from './commands/mode.js';
import { PAYMENT_TYPE_CODE, paymentCommand } from './commands/payment.js';
import { beginPositionCommand, registerPositionCommand, TAX_RATE_CODE } from './commands/position.js';
import {
  cancelReceiptCommand,
  closeReceiptCommand,
  openReceiptCommand,
  ReceiptType,
} from './commands/receipt.js';
import {
  LAST_DOCUMENT_REGISTER,
  parseLastDocumentReply,
  readRegisterCommand,
} from './commands/register-read.js';
import { openShiftCommand, zReportCommand } from './commands/shift.js';
import { parseStatusReply, type RegisterStatus, statusCommand } from './commands/status.js';
import { printTextCommand, wrapText } from './commands/text.js';
import { describeDeviceError, registerError, toRegisterError } from './errors.js';
import { PacketChannel, type PacketChannelOptions } from './protocol/channel.js';
import { TaskBuffer, type TaskBufferOptions } from './protocol/taskbuffer.js';
import { quantityInThousandths, validateReceipt } from './receipt-validation.js';

export interface AtolRegisterOptions extends PacketChannelOptions, TaskBufferOptions {
  /** Name reported in the state ('atol', or 'simulator' over the virtual register). */
  driver?: string;
  /** Makes the byte link; called on open(). */
  link: () => ByteLink;
  /** Access password sent with every command (BCD2). */
  accessPassword?: number;
  /** Password for entering registration / Z modes (check: factory default 30). */
  modePassword?: number;
  /** How long open() waits for the first successful sync. */
  openTimeoutMs?: number;
  /** Backoff between failed syncs while the link is up. */
  resync?: BackoffOptions;
  /** Characters per printed text line. */
  textWidth?: number;
  /** Section (department) for positions. */
  section?: number;
}

/** Error code of "receipt closed": a cancel that gets it proves the close went through. */
const RECEIPT_CLOSED = 154;

export class AtolRegister implements FiscalRegister {
  readonly driver: string;
  private current: RegisterState;
  private readonly listeners = new Listeners<[RegisterState]>();
  private link: ByteLink | null = null;
  private channel: PacketChannel | null = null;
  private tasks: TaskBuffer | null = null;
  private detachLink: (() => void)[] = [];
  private readonly queue = new OneAtATime();
  private synced = false;
  private status: RegisterStatus | null = null;
  private fnNumber = '';
  private syncTimer: NodeJS.Timeout | undefined;
  private syncAttempt = 0;
  private opened = false;

  constructor(private readonly options: AtolRegisterOptions) {
    this.driver = options.driver ?? 'atol';
    this.current = { driver: this.driver, state: 'disconnected' };
  }

  state(): RegisterState {
    return { ...this.current };
  }

  onStateChange(cb: (s: RegisterState) => void): () => void {
    return this.listeners.add(cb);
  }

  /** The status read at the last sync (or null before the first). */
  lastStatus(): RegisterStatus | null {
    return this.status ? { ...this.status } : null;
  }

  async open(): Promise<void> {
    if (this.opened) return;
    this.opened = true;
    const link = this.options.link();
    this.link = link;
    this.channel = new PacketChannel(link, this.options);
    this.tasks = new TaskBuffer(this.channel, this.options);
    this.detachLink = [
      link.onUp(() => this.scheduleSync(0)),
      link.onDown((reason) => this.onLinkDown(reason)),
    ];
    this.setState('connecting');
    link.start();
    if (link.isUp) this.scheduleSync(0);
    await this.waitForReady(this.options.openTimeoutMs ?? 10_000);
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    clearTimeout(this.syncTimer);
    const tasks = this.tasks;
    await this.serial(async () => {
      if (tasks && this.link?.isUp) await tasks.acknowledge().catch(() => undefined);
    }).catch(() => undefined);
    for (const off of this.detachLink) off();
    this.tasks?.dispose();
    this.channel?.close();
    await this.link?.stop();
    this.link = null;
    this.channel = null;
    this.tasks = null;
    this.synced = false;
    this.setState('disconnected');
  }

  async printReceipt(r: FiscalReceiptRequest): Promise<FiscalDocument> {
    const { total } = validateReceipt(r);
    return this.operate(async () => {
      await this.prepareForReceipt();
      const password = this.password;
      let receiptOpen = false;
      let closing = false;
      try {
        await this.command(
          openReceiptCommand(password, r.kind === 'sale' ? ReceiptType.Sale : ReceiptType.SaleReturn),
          'open receipt',
        );
        receiptOpen = true;
        for (const line of r.lines) {
          await this.command(beginPositionCommand(password), 'begin position');
          await this.command(
            registerPositionCommand(password, {
              name: line.name,
              price: line.price,
              qtyMilli: quantityInThousandths(line.qty)!,
              amount: line.amount,
              taxRate: TAX_RATE_CODE[line.tax ?? 'none'],
              section: this.options.section ?? 1,
            }),
            `position ${line.name}`,
          );
        }
        for (const payment of registerPaymentOrder(r.payments)) {
          await this.command(
            paymentCommand(password, PAYMENT_TYPE_CODE[payment.type], payment.amount),
            'payment',
          );
        }
        for (const text of r.footer.flatMap((t) => wrapText(t, this.options.textWidth ?? 48))) {
          await this.command(printTextCommand(password, text), 'print text');
        }
        closing = true;
        await this.command(closeReceiptCommand(password, PAYMENT_TYPE_CODE.cash, 0), 'close receipt');
        receiptOpen = false;
      } catch (error) {
        if (!receiptOpen) throw error;
        const closedAnyway = await this.cancelAfterFailure();
        if (!(closing && closedAnyway)) throw error;
        // The close went through although its answer was lost: the receipt is fiscal.
      }
      const doc = await this.readLastDocument();
      if (!doc || doc.total !== total) {
        throw registerError(
          REGISTER_LOCAL_CODES.PROTOCOL,
          `last document does not match the receipt ${r.receiptId}`,
        );
      }
      return doc;
    });
  }

  async lastDocument(): Promise<FiscalDocument | null> {
    return this.operate(() => this.readLastDocument());
  }

  /** Closes the shift with a Z report (e.g. after error 136, shift over 24 h). */
  async zReport(): Promise<void> {
    await this.operate(async () => {
      await this.switchMode(RegisterMode.ZReport);
      await this.command(zReportCommand(this.password), 'Z report');
      if (this.status) this.status.shiftOpen = false;
      await this.switchMode(RegisterMode.Select);
    });
  }

  // ------------------------------------------------------------------ operations

  private get password(): number {
    return this.options.accessPassword ?? 0;
  }

  /** Runs `work` exclusively, after a sync if needed, keeping the state in step. */
  private operate<T>(work: () => Promise<T>): Promise<T> {
    return this.serial(async () => {
      if (!this.opened || !this.link)
        throw registerError(REGISTER_LOCAL_CODES.DISCONNECTED, 'the driver is not open');
      if (!this.link.isUp) throw registerError(REGISTER_LOCAL_CODES.DISCONNECTED);
      try {
        if (!this.synced) await this.sync();
        this.setState('busy');
        const result = await work();
        this.setState('ready');
        return result;
      } catch (error) {
        const failure = toRegisterError(error);
        if (!(error instanceof RegisterError)) this.synced = false; // talk got lost: resync first next time
        if (this.link?.isUp) this.setState('error', failure);
        else this.setState('disconnected', failure);
        throw failure;
      }
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    return this.queue.run(work);
  }

  /** Sends one command and returns its reply (throws RegisterError on a device error). */
  private async command(payload: Buffer, context: string): Promise<Buffer> {
    if (!this.tasks) throw registerError(REGISTER_LOCAL_CODES.DISCONNECTED);
    const result = await this.tasks.run(payload);
    replyData(result.data, context);
    return result.data;
  }

  private async readStatus(): Promise<RegisterStatus> {
    if (!this.tasks) throw registerError(REGISTER_LOCAL_CODES.DISCONNECTED);
    const result = await this.tasks.run(statusCommand(this.password));
    this.status = parseStatusReply(result.data);
    return this.status;
  }

  /** Abort, status, cancel a dangling receipt, read the FN number. */
  private async sync(): Promise<void> {
    if (!this.tasks) throw registerError(REGISTER_LOCAL_CODES.DISCONNECTED);
    this.synced = false;
    await this.tasks.abort();
    const status = await this.readStatus();
    if (status.receiptState !== 0) {
      await this.switchMode(RegisterMode.Registration);
      await this.command(cancelReceiptCommand(this.password), 'cancel receipt left open');
      status.receiptState = 0;
    }
    this.fnNumber = parseFnNumberReply(await this.command(fnNumberCommand(this.password), 'FN number'));
    this.synced = true;
    this.syncAttempt = 0;
  }

  private async switchMode(mode: number): Promise<void> {
    const status = this.status ?? (await this.readStatus());
    if (status.mode === mode) return;
    if (status.mode !== RegisterMode.Select) {
      await this.command(leaveModeCommand(this.password), 'leave mode');
      status.mode = RegisterMode.Select;
    }
    if (mode === RegisterMode.Select) return;
    await this.command(
      enterModeCommand(this.password, mode, this.options.modePassword ?? 30),
      `enter mode ${mode}`,
    );
    status.mode = mode;
  }

  private async prepareForReceipt(): Promise<void> {
    await this.switchMode(RegisterMode.Registration);
    if (!this.status!.shiftOpen) {
      await this.command(openShiftCommand(this.password), 'open shift');
      this.status!.shiftOpen = true;
    }
  }

  /** Cancels the open receipt; true when the register says it was already closed. */
  private async cancelAfterFailure(): Promise<boolean> {
    try {
      await this.command(cancelReceiptCommand(this.password), 'cancel receipt');
      return false;
    } catch (error) {
      if (error instanceof RegisterError && error.deviceCode === RECEIPT_CLOSED) return true;
      this.synced = false; // the next sync cancels it
      return false;
    }
  }

  private async readLastDocument(): Promise<FiscalDocument | null> {
    const password = this.password;
    const fd = parseLastDocumentReply(
      await this.command(readRegisterCommand(password, LAST_DOCUMENT_REGISTER), 'last document'),
    );
    if (fd === 0) return null;
    const doc = parseFnDocumentReply(await this.command(fnDocumentCommand(password, fd), 'FN document'));
    return {
      fn: this.fnNumber,
      fd: String(doc.fd),
      fp: String(doc.fp).padStart(10, '0'),
      at: doc.clock,
      shift: doc.shift,
      total: doc.total,
    };
  }

  // ------------------------------------------------------------------ connection

  private scheduleSync(delayMs: number): void {
    clearTimeout(this.syncTimer);
    if (!this.opened) return;
    this.syncTimer = setTimeout(() => void this.backgroundSync(), delayMs);
  }

  private async backgroundSync(): Promise<void> {
    if (!this.opened || !this.link?.isUp) return;
    this.setState('connecting');
    try {
      await this.serial(() => this.sync());
      this.setState('ready');
    } catch (error) {
      if (!this.opened) return;
      const failure = toRegisterError(error);
      if (this.link?.isUp) {
        this.setState('error', failure);
        this.scheduleSync(backoffDelay(this.syncAttempt++, this.options.resync));
      }
    }
  }

  private onLinkDown(reason: Error): void {
    this.synced = false;
    clearTimeout(this.syncTimer);
    if (this.opened) {
      this.setState('disconnected', {
        code: REGISTER_LOCAL_CODES.DISCONNECTED,
        message: describeDeviceError(REGISTER_LOCAL_CODES.DISCONNECTED, reason.message),
      });
    }
  }

  private waitForReady(timeoutMs: number): Promise<void> {
    if (this.current.state === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        const last = this.current.lastError;
        reject(
          last
            ? new RegisterError(last.code, last.message)
            : registerError(REGISTER_LOCAL_CODES.TIMEOUT, `no answer within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const off = this.listeners.add((s) => {
        if (s.state !== 'ready') return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  private setState(
    state: RegisterStateName,
    error?: RegisterError | { code: number; message: string },
  ): void {
    const lastError =
      error instanceof RegisterError ? { code: error.deviceCode, message: error.message } : error;
    const next: RegisterState = { driver: this.driver, state };
    const keep = lastError ?? (state === 'ready' ? undefined : this.current.lastError);
    if (keep) next.lastError = keep;
    const same = next.state === this.current.state && next.lastError?.code === this.current.lastError?.code;
    this.current = next;
    if (!same) this.listeners.emit(this.state());
  }
}
