// The fiscal state machine of the virtual register: modes, shift, receipt, fiscal document
// counter and the printed journal. It executes one decoded command and returns the reply bytes;
// the byte framing and the task buffer live in device.ts.

import { decodeCp866 } from '../../text/cp866.js';
import { Command, RegisterMode } from '../commands/codes.js';
import { encodeDeviceInfoReply } from '../commands/device-info.js';
import { type CommandPayload, errorReply, okReply } from '../commands/envelope.js';
import {
  encodeFnDocumentReply,
  encodeFnNumberReply,
  type FnDocument,
  FnDocumentType,
  FnRequest,
} from '../commands/fn.js';
import { parseEnterModeParams } from '../commands/mode.js';
import { encodePaymentReply, parsePaymentParams } from '../commands/payment.js';
import { parseRegisterPositionParams } from '../commands/position.js';
import { parseCloseReceiptParams, parseOpenReceiptParams, ReceiptType } from '../commands/receipt.js';
import { encodeLastDocumentReply, LAST_DOCUMENT_REGISTER } from '../commands/register-read.js';
import { encodeStatusReply } from '../commands/status.js';
import { decodeBcd } from '../transport/bcd.js';
import { formatRegisterClock } from './clock.js';
import type { JournalEntry, JournalPayment, JournalPosition } from './journal.js';
import { changeOf, takePayment } from './payment-rules.js';

export const DeviceError = {
  WrongPrice: 8,
  WrongQuantity: 10,
  NotAllowedInMode: 102,
  NoPaper: 103,
  PaymentsBelowTotal: 114,
  ShiftOver24h: 136,
  WrongPassword: 140,
  ReceiptClosed: 154,
  ReceiptOpen: 155,
  ShiftOpen: 156,
  NotFiscalized: 168,
  FnExpired: 215,
  FnArchiveFull: 216,
  /** Not in the mapped list: an unknown command or parameter. */
  UnknownCommand: 1,
} as const;

export interface FiscalCoreOptions {
  accessPassword?: number;
  modePassword?: number;
  fnNumber?: string;
  serial?: string;
  firstFd?: number;
  lastShiftNumber?: number;
  fiscalized?: boolean;
  clock?: () => Date;
}

interface OpenReceipt {
  type: 'sale' | 'return';
  positions: JournalPosition[];
  payments: JournalPayment[];
  texts: string[];
  positionStarted: boolean;
}

const SHIFT_LIMIT_MS = 24 * 3600_000;

export class FiscalCore {
  readonly journal: JournalEntry[] = [];
  /** Commands executed, in order (tests check e.g. that a cancel happened). */
  readonly executed: number[] = [];
  paper = true;
  fnState: 'ok' | 'expired' | 'archive-full' = 'ok';
  private mode: number = RegisterMode.Select;
  private shift: { number: number; openedAt: Date } | null = null;
  private lastShiftNumber: number;
  private receipt: OpenReceipt | null = null;
  private receiptNumber = 0;
  private lastFd: number;
  private readonly documents = new Map<number, FnDocument>();
  private readonly accessPassword: number;
  private readonly modePassword: number;
  private readonly fnNumber: string;
  private readonly serial: string;
  private readonly fiscalized: boolean;
  private readonly now: () => Date;

  constructor(options: FiscalCoreOptions = {}) {
    this.accessPassword = options.accessPassword ?? 0;
    this.modePassword = options.modePassword ?? 30;
    this.fnNumber = options.fnNumber ?? '9999078900012345';
    this.serial = options.serial ?? '00123456';
    this.lastFd = (options.firstFd ?? 1) - 1;
    this.lastShiftNumber = options.lastShiftNumber ?? 0;
    this.fiscalized = options.fiscalized ?? true;
    this.now = options.clock ?? (() => new Date());
  }

  get shiftOpen(): boolean {
    return this.shift !== null;
  }

  get receiptOpen(): boolean {
    return this.receipt !== null;
  }

  get lastDocumentNumber(): number {
    return this.lastFd;
  }

  /** Pretends the shift was opened more than 24 hours ago. */
  expireShift(): void {
    if (this.shift) this.shift.openedAt = new Date(this.now().getTime() - SHIFT_LIMIT_MS - 60_000);
  }

  /** Printing commands take time on a real register; their results come asynchronously. */
  static isSlow(command: number): boolean {
    return command === Command.CloseReceipt || command === Command.ZReport || command === Command.OpenShift;
  }

  execute(cmd: CommandPayload): Buffer {
    if (cmd.password !== this.accessPassword) return errorReply(DeviceError.WrongPassword);
    this.executed.push(cmd.command);
    const p = cmd.params;
    switch (cmd.command) {
      case Command.Status:
        return this.status();
      case Command.DeviceInfo:
        return encodeDeviceInfoReply({
          protocol: 3,
          type: 1,
          model: 69,
          version: '3.0.7070',
          name: 'VIRTUAL ATOL',
        });
      case Command.EnterMode:
        return this.enterMode(p);
      case Command.LeaveMode:
        if (this.receipt) return errorReply(DeviceError.ReceiptOpen);
        this.mode = RegisterMode.Select;
        return okReply();
      case Command.OpenShift:
        return this.openShift();
      case Command.ZReport:
        return this.zReport();
      case Command.OpenReceipt:
        return this.openReceipt(p);
      case Command.BeginPosition:
        if (!this.receipt) return errorReply(DeviceError.ReceiptClosed);
        this.receipt.positionStarted = true;
        return okReply();
      case Command.RegisterPosition:
        return this.registerPosition(p);
      case Command.Payment:
        return this.payment(p);
      case Command.CloseReceipt:
        return this.closeReceipt(p);
      case Command.CancelReceipt:
        return this.cancelReceipt();
      case Command.ReadRegister:
        if (p[0] !== LAST_DOCUMENT_REGISTER) return errorReply(DeviceError.UnknownCommand);
        return encodeLastDocumentReply(this.lastFd);
      case Command.FnData:
        return this.fnData(p);
      case Command.PrintText:
        return this.printText(p);
      default:
        return errorReply(DeviceError.UnknownCommand);
    }
  }

  private clock(): string {
    return formatRegisterClock(this.now());
  }

  private status(): Buffer {
    return encodeStatusReply({
      cashier: 0,
      clock: this.clock(),
      fiscal: this.fiscalized,
      shiftOpen: this.shift !== null,
      paper: this.paper,
      serial: this.serial,
      model: 69,
      mode: this.mode,
      submode: 0,
      receiptNumber: this.receiptNumber,
      shiftNumber: this.shift?.number ?? this.lastShiftNumber,
      receiptState: this.receipt ? (this.receipt.type === 'sale' ? 1 : 2) : 0,
      receiptSum: this.receipt ? sum(this.receipt.positions) : 0,
    });
  }

  private enterMode(params: Buffer): Buffer {
    const parsed = parseEnterModeParams(params);
    if (!parsed || parsed.mode < RegisterMode.Registration || parsed.mode > RegisterMode.Programming) {
      return errorReply(DeviceError.UnknownCommand);
    }
    if (parsed.modePassword !== this.modePassword) return errorReply(DeviceError.WrongPassword);
    if (this.mode !== RegisterMode.Select && this.mode !== parsed.mode)
      return errorReply(DeviceError.NotAllowedInMode);
    this.mode = parsed.mode;
    return okReply();
  }

  /** Checks shared by everything that makes a fiscal document. */
  private fiscalBlocker(): number | null {
    if (!this.fiscalized) return DeviceError.NotFiscalized;
    if (this.fnState === 'expired') return DeviceError.FnExpired;
    if (this.fnState === 'archive-full') return DeviceError.FnArchiveFull;
    return null;
  }

  private openShift(): Buffer {
    if (this.mode !== RegisterMode.Registration) return errorReply(DeviceError.NotAllowedInMode);
    const blocker = this.fiscalBlocker();
    if (blocker !== null) return errorReply(blocker);
    if (this.shift) return errorReply(DeviceError.ShiftOpen);
    if (!this.paper) return errorReply(DeviceError.NoPaper);
    this.shift = { number: this.lastShiftNumber + 1, openedAt: this.now() };
    this.receiptNumber = 0;
    this.report('shift-open', FnDocumentType.ShiftOpen);
    return okReply();
  }

  private zReport(): Buffer {
    if (this.mode !== RegisterMode.ZReport) return errorReply(DeviceError.NotAllowedInMode);
    if (this.receipt) return errorReply(DeviceError.ReceiptOpen);
    if (!this.shift) return errorReply(DeviceError.NotAllowedInMode);
    if (!this.paper) return errorReply(DeviceError.NoPaper);
    this.report('shift-close', FnDocumentType.ShiftClose);
    this.lastShiftNumber = this.shift.number;
    this.shift = null;
    return okReply();
  }

  private report(kind: 'shift-open' | 'shift-close', type: number): void {
    const shift = this.shift!.number;
    const doc = this.issueDocument(type, 0);
    this.journal.push({ kind, fd: doc.fd, shift, clock: doc.clock });
  }

  private issueDocument(type: number, total: number): FnDocument {
    const fd = ++this.lastFd;
    const clock = this.clock();
    const shift = this.shift?.number ?? this.lastShiftNumber;
    const doc: FnDocument = {
      type,
      clock,
      fd,
      fp: fiscalSign(this.fnNumber, fd, total, clock),
      shift,
      total,
    };
    this.documents.set(fd, doc);
    return doc;
  }

  private openReceipt(params: Buffer): Buffer {
    const parsed = parseOpenReceiptParams(params);
    if (!parsed || (parsed.type !== ReceiptType.Sale && parsed.type !== ReceiptType.SaleReturn)) {
      return errorReply(DeviceError.UnknownCommand);
    }
    if (this.mode !== RegisterMode.Registration) return errorReply(DeviceError.NotAllowedInMode);
    const blocker = this.fiscalBlocker();
    if (blocker !== null) return errorReply(blocker);
    if (this.receipt) return errorReply(DeviceError.ReceiptOpen);
    if (!this.shift) return errorReply(DeviceError.NotAllowedInMode);
    if (this.now().getTime() - this.shift.openedAt.getTime() > SHIFT_LIMIT_MS) {
      return errorReply(DeviceError.ShiftOver24h);
    }
    if (!this.paper) return errorReply(DeviceError.NoPaper);
    const type = parsed.type === ReceiptType.Sale ? 'sale' : 'return';
    this.receipt = { type, positions: [], payments: [], texts: [], positionStarted: false };
    this.receiptNumber++;
    return okReply();
  }

  private registerPosition(params: Buffer): Buffer {
    const receipt = this.receipt;
    if (!receipt) return errorReply(DeviceError.ReceiptClosed);
    if (!receipt.positionStarted) return errorReply(DeviceError.NotAllowedInMode);
    const p = parseRegisterPositionParams(params);
    if (!p) return errorReply(DeviceError.UnknownCommand);
    if (p.qtyMilli <= 0) return errorReply(DeviceError.WrongQuantity);
    // The amount may differ from price × qty only by rounding to a kopeck (weighed goods).
    if (Math.abs(p.price * p.qtyMilli - p.amount * 1000) >= 1000) return errorReply(DeviceError.WrongPrice);
    if (!this.paper) return errorReply(DeviceError.NoPaper);
    receipt.positionStarted = false;
    receipt.positions.push({
      name: p.name,
      price: p.price,
      qty: p.qtyMilli / 1000,
      amount: p.amount,
      taxRate: p.taxRate,
    });
    return okReply();
  }

  private payment(params: Buffer): Buffer {
    const receipt = this.receipt;
    if (!receipt) return errorReply(DeviceError.ReceiptClosed);
    const p = parsePaymentParams(params);
    if (!p || p.type < 1 || p.type > 5) return errorReply(DeviceError.UnknownCommand);
    if (p.sum <= 0) return errorReply(DeviceError.WrongPrice);
    const taken = takePayment(receipt.payments, sum(receipt.positions), { type: p.type, amount: p.sum });
    if (!taken.accepted) return errorReply(taken.error);
    return encodePaymentReply(taken.remainder, taken.change);
  }

  private closeReceipt(params: Buffer): Buffer {
    const receipt = this.receipt;
    if (!receipt) return errorReply(DeviceError.ReceiptClosed);
    const p = parseCloseReceiptParams(params);
    if (!p) return errorReply(DeviceError.UnknownCommand);
    const total = sum(receipt.positions);
    const payments = [...receipt.payments];
    if (p.sum > 0) {
      const taken = takePayment(payments, total, { type: p.paymentType, amount: p.sum });
      if (!taken.accepted) return errorReply(taken.error);
    }
    if (sum(payments) < total) return errorReply(DeviceError.PaymentsBelowTotal);
    if (!this.paper) return errorReply(DeviceError.NoPaper);
    receipt.payments = payments;
    const doc = this.issueDocument(FnDocumentType.Receipt, total);
    this.receipt = null;
    this.journal.push({
      kind: 'receipt',
      type: receipt.type,
      status: 'closed',
      positions: receipt.positions,
      payments: receipt.payments,
      texts: receipt.texts,
      total,
      change: changeOf(receipt.payments, total),
      fd: doc.fd,
      fp: doc.fp,
      shift: doc.shift,
      clock: doc.clock,
    });
    return okReply();
  }

  private cancelReceipt(): Buffer {
    const receipt = this.receipt;
    if (!receipt) return errorReply(DeviceError.ReceiptClosed);
    this.receipt = null;
    this.journal.push({
      kind: 'receipt',
      type: receipt.type,
      status: 'cancelled',
      positions: receipt.positions,
      payments: receipt.payments,
      texts: receipt.texts,
      total: sum(receipt.positions),
    });
    return okReply();
  }

  private fnData(params: Buffer): Buffer {
    if (params[0] === FnRequest.Number) return encodeFnNumberReply(this.fnNumber);
    if (params[0] === FnRequest.DocumentByNumber && params.length === 6) {
      let fd: number;
      try {
        fd = decodeBcd(params.subarray(1));
      } catch {
        return errorReply(DeviceError.UnknownCommand);
      }
      const doc = this.documents.get(fd);
      return doc ? encodeFnDocumentReply(doc) : errorReply(DeviceError.UnknownCommand);
    }
    return errorReply(DeviceError.UnknownCommand);
  }

  private printText(params: Buffer): Buffer {
    if (!this.paper) return errorReply(DeviceError.NoPaper);
    const text = decodeCp866(params);
    if (this.receipt) this.receipt.texts.push(text);
    else this.journal.push({ kind: 'text', text });
    return okReply();
  }
}

function sum(items: { amount: number }[]): number {
  return items.reduce((total, item) => total + item.amount, 0);
}

/** A deterministic stand-in for the FN's fiscal sign (FNV-1a over the document's key facts). */
function fiscalSign(fn: string, fd: number, total: number, clock: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${fn}|${fd}|${total}|${clock}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
