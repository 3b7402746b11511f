import { describe, expect, it } from 'vitest';
import {
  deviceInfoCommand,
  encodeDeviceInfoReply,
  parseDeviceInfoReply,
} from '../../../drivers/atol/commands/device-info.js';
import { encodeCommand, errorReply, okReply, replyData } from '../../../drivers/atol/commands/envelope.js';
import {
  encodeFnDocumentReply,
  fnDocumentCommand,
  fnNumberCommand,
  parseFnDocumentReply,
  parseFnNumberReply,
} from '../../../drivers/atol/commands/fn.js';
import {
  enterModeCommand,
  leaveModeCommand,
  parseEnterModeParams,
} from '../../../drivers/atol/commands/mode.js';
import {
  encodePaymentReply,
  parsePaymentReply,
  paymentCommand,
} from '../../../drivers/atol/commands/payment.js';
import {
  beginPositionCommand,
  parseRegisterPositionParams,
  registerPositionCommand,
} from '../../../drivers/atol/commands/position.js';
import {
  cancelReceiptCommand,
  closeReceiptCommand,
  openReceiptCommand,
  ReceiptType,
} from '../../../drivers/atol/commands/receipt.js';
import { parseLastDocumentReply, readRegisterCommand } from '../../../drivers/atol/commands/register-read.js';
import { openShiftCommand, zReportCommand } from '../../../drivers/atol/commands/shift.js';
import { encodeStatusReply, parseStatusReply, statusCommand } from '../../../drivers/atol/commands/status.js';
import { printTextCommand, wrapText } from '../../../drivers/atol/commands/text.js';
import { describeDeviceError, deviceErrorText } from '../../../drivers/atol/errors.js';
import { REGISTER_LOCAL_CODES, RegisterError } from '../../../drivers/register/types.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('command payloads (password BCD2 | command | params)', () => {
  it('builds the simple commands byte for byte', () => {
    expect(statusCommand(0)).toEqual(hex('00 00 3F'));
    expect(deviceInfoCommand(0)).toEqual(hex('00 00 A5'));
    expect(enterModeCommand(0, 1, 30)).toEqual(hex('00 00 56 01 00 00 00 30'));
    expect(leaveModeCommand(0)).toEqual(hex('00 00 48'));
    expect(openShiftCommand(0)).toEqual(hex('00 00 9A 00'));
    expect(zReportCommand(0)).toEqual(hex('00 00 5A'));
    expect(openReceiptCommand(0, ReceiptType.Sale)).toEqual(hex('00 00 92 00 01'));
    expect(openReceiptCommand(1234, ReceiptType.SaleReturn)).toEqual(hex('12 34 92 00 02'));
    expect(beginPositionCommand(0)).toEqual(hex('00 00 EA'));
    expect(paymentCommand(0, 2, 49445)).toEqual(hex('00 00 99 00 02 00 00 04 94 45'));
    expect(closeReceiptCommand(0, 1, 0)).toEqual(hex('00 00 4A 00 01 00 00 00 00 00'));
    expect(cancelReceiptCommand(0)).toEqual(hex('00 00 59'));
    expect(readRegisterCommand(0, 0x34)).toEqual(hex('00 00 91 34 00 00'));
    expect(fnNumberCommand(0)).toEqual(hex('00 00 A4 31'));
    expect(fnDocumentCommand(0, 17)).toEqual(hex('00 00 A4 45 00 00 00 00 17'));
    expect(printTextCommand(0, 'Баллы: 5')).toEqual(hex('00 00 4C 81 A0 AB AB EB 3A 20 35'));
  });

  it('builds a position: price after discount, qty ×1000, amount, tax, name in CP866', () => {
    const payload = registerPositionCommand(0, {
      name: 'Сыр',
      price: 89900,
      qtyMilli: 350,
      amount: 31465,
      taxRate: 1,
      section: 1,
    });
    expect(payload).toEqual(
      hex(
        '00 00 EB 00' +
          '00 00 00 00 08 99 00' + // price
          '00 00 00 03 50' + // qty 0.350
          '00 00 00 00 03 14 65' + // amount
          '01' + // tax rate (tag 1199: VAT 20%)
          '00 00 00 00 00 00 00' + // tax sum: computed by the register
          '01 01 04 00' + // section, 1212 commodity, 1214 full payment, discount sign
          '00 00 00 00 00 00 00' + // discount
          '91 EB E0', // "Сыр"
      ),
    );
    expect(parseRegisterPositionParams(payload.subarray(3))).toEqual({
      name: 'Сыр',
      price: 89900,
      qtyMilli: 350,
      amount: 31465,
      taxRate: 1,
      section: 1,
    });
    expect(parseRegisterPositionParams(payload.subarray(3, 20))).toBeNull();
  });

  it('parses mode parameters and rejects malformed ones', () => {
    expect(parseEnterModeParams(hex('01 00 00 00 30'))).toEqual({ mode: 1, modePassword: 30 });
    expect(parseEnterModeParams(hex('01 00 00'))).toBeNull();
    expect(parseEnterModeParams(hex('01 00 00 00 3A'))).toBeNull();
  });
});

describe('replies', () => {
  it('turns 55 err ext into RegisterError with the device code and a clear message', () => {
    expect(replyData(okReply(hex('01 02')), 'x')).toEqual(hex('01 02'));
    try {
      replyData(errorReply(103), 'close receipt');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RegisterError);
      expect((error as RegisterError).deviceCode).toBe(103);
      expect((error as RegisterError).message).toBe('Нет бумаги / out of paper (103): close receipt');
    }
  });

  it('treats unknown or short replies as protocol errors', () => {
    for (const bad of [hex(''), hex('55 00'), hex('33 00 00')]) {
      expect(() => replyData(bad, 'x')).toThrow(
        expect.objectContaining({ deviceCode: REGISTER_LOCAL_CODES.PROTOCOL }) as unknown as Error,
      );
    }
  });

  it('status round-trips and reads flags, mode and receipt state', () => {
    const status = {
      cashier: 7,
      clock: '2025-03-09T14:05:59',
      fiscal: true,
      shiftOpen: true,
      paper: false,
      serial: '00123456',
      model: 69,
      mode: 1,
      submode: 2,
      receiptNumber: 12,
      shiftNumber: 345,
      receiptState: 2,
      receiptSum: 123456,
    };
    const reply = encodeStatusReply(status);
    expect(reply[0]).toBe(0x44);
    expect(reply[9]).toBe(0x03); // fiscal | shift open, no paper bit
    expect(reply[17]).toBe(0x21); // submode 2, mode 1
    expect(parseStatusReply(reply)).toEqual(status);
    // an expense receipt (4) left open is reported as open, so the sync cancels it too
    const expenseOpen = Buffer.from(reply);
    expenseOpen[22] = 4;
    expect(parseStatusReply(expenseOpen).receiptState).toBe(4);
    expect(() => parseStatusReply(reply.subarray(0, 10))).toThrow(RegisterError);
    expect(() => parseStatusReply(errorReply(140))).toThrow(
      expect.objectContaining({ deviceCode: 140 }) as unknown as Error,
    );
  });

  it('device info, payment, last document, FN number and FN document', () => {
    const info = { protocol: 3, type: 1, model: 69, version: '3.0.7070', name: 'ATOL 30Ф' };
    expect(parseDeviceInfoReply(encodeDeviceInfoReply(info))).toEqual(info);
    expect(parsePaymentReply(encodePaymentReply(0, 555))).toEqual({ remainder: 0, change: 555 });
    expect(parseLastDocumentReply(hex('55 00 00 00 00 00 01 23'))).toBe(123);
    expect(parseFnNumberReply(Buffer.concat([hex('55 00 00'), Buffer.from('9999078900012345')]))).toBe(
      '9999078900012345',
    );
    const doc = { type: 3, clock: '2025-01-02T03:04:05', fd: 42, fp: 1234567890, shift: 3, total: 49445 };
    expect(parseFnDocumentReply(encodeFnDocumentReply(doc))).toEqual(doc);
  });
});

describe('text', () => {
  it('wraps at spaces and cuts long words', () => {
    expect(wrapText('Начислено баллов: 49', 12)).toEqual(['Начислено', 'баллов: 49']);
    expect(wrapText('ABCDEFGHIJ', 4)).toEqual(['ABCD', 'EFGH', 'IJ']);
    expect(wrapText('a\n\nb', 10)).toEqual(['a', '', 'b']);
  });
});

describe('device error messages', () => {
  it('maps every listed code to Russian and English text', () => {
    for (const code of [0, 8, 10, 102, 103, 114, 136, 140, 154, 155, 156, 168, 212, 215, 216]) {
      const text = deviceErrorText(code);
      expect(text.ru).not.toMatch(/Ошибка ККТ \d/);
      expect(text.en).not.toMatch(/register error \d/);
    }
    expect(describeDeviceError(136)).toBe(
      'Смена превысила 24 часа, закройте смену / shift is over 24 hours, close the shift (Z report) (136)',
    );
    expect(describeDeviceError(77)).toBe('Ошибка ККТ 77 / register error 77 (77)');
  });

  it('envelope encodes the access password in BCD', () => {
    expect(encodeCommand(30, 0x3f)).toEqual(hex('00 30 3F'));
    expect(() => encodeCommand(10000, 0x3f)).toThrow(RangeError);
  });
});
