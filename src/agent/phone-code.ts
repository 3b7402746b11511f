// Points paid by a customer identified by phone need the one-time code the cloud sent them
// (program.redemption.confirmPhone). A code the cloud accepted is remembered per receipt, so a
// register sale that checks it before printing and confirms after asks the cloud once.
import { AppError } from '../errors/catalogue.js';
import type { CloudGateway, OpenReceipt } from './ports.js';
import type { ProgramHolder } from './program-holder.js';

/** How many verified codes are remembered (the oldest is forgotten first). */
const REMEMBERED_CODES = 1000;

export class PhoneCodeCheck {
  private readonly verifiedCodes = new Map<string, string>();

  constructor(
    private readonly o: {
      program: ProgramHolder;
      cloud: CloudGateway | null;
    },
  ) {}

  /** Resolves when the receipt needs no code or `code` is the right one; 403 otherwise. */
  async check(open: OpenReceipt, code: string | undefined): Promise<void> {
    const program = this.o.program.current();
    const needs =
      open.customer?.via === 'phone' &&
      open.result.totals.redeemedPoints > 0 &&
      program.redemption.confirmPhone;
    if (!needs) return;
    if (code && this.verifiedCodes.get(open.receiptId) === code) return;
    const customerId = open.customer?.id;
    if (!this.o.cloud || !customerId) {
      throw new AppError(
        'CODE_REQUIRED',
        'Оплата баллами по телефону требует связи с сервером: рассчитайте чек без баллов',
      );
    }
    if (!code) {
      await this.o.cloud.requestCode({ customerId, receiptId: open.receiptId }).catch(() => undefined);
      throw new AppError('CODE_REQUIRED', 'Спросите у покупателя код из SMS');
    }
    let ok = false;
    try {
      ok = await this.o.cloud.verifyCode({ customerId, receiptId: open.receiptId, code });
    } catch {
      throw new AppError('CODE_INVALID', 'Код сейчас не проверить (нет связи): рассчитайте чек без баллов');
    }
    if (!ok) throw new AppError('CODE_INVALID', 'Неверный код: попросите покупателя проверить SMS');
    this.verifiedCodes.set(open.receiptId, code);
    if (this.verifiedCodes.size > REMEMBERED_CODES) {
      this.verifiedCodes.delete(this.verifiedCodes.keys().next().value!);
    }
  }
}
