// Where one-time codes go. A real deployment plugs in its SMS provider; the default keeps the
// codes for the central page and logs them clearly marked TEST, so no message ever leaves.
import type { Logger } from 'pino';

export interface SmsGateway {
  send(message: { phone: string; text: string; customerId: string; code: string }): Promise<void>;
}

export interface SentTestSms {
  at: string;
  customerId: string;
  /** Masked; the full number stays in the database. */
  phone: string;
  code: string;
}

export class TestSmsGateway implements SmsGateway {
  private readonly kept: SentTestSms[] = [];

  constructor(
    private readonly logger: Logger | null,
    private readonly clock: () => Date = () => new Date(),
    private readonly keep = 50,
  ) {}

  async send(message: { phone: string; text: string; customerId: string; code: string }): Promise<void> {
    const phone = maskTail(message.phone);
    this.kept.unshift({
      at: this.clock().toISOString(),
      customerId: message.customerId,
      phone,
      code: message.code,
    });
    this.kept.length = Math.min(this.kept.length, this.keep);
    this.logger?.warn(
      { customerId: message.customerId, phone },
      `TEST SMS (not sent): one-time code ${message.code}`,
    );
  }

  /** Newest first. */
  sent(): SentTestSms[] {
    return [...this.kept];
  }
}

function maskTail(phone: string): string {
  return phone.length > 4 ? `${'*'.repeat(phone.length - 4)}${phone.slice(-4)}` : '****';
}
