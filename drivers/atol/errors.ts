// Register error codes -> messages a cashier (Russian) and a support engineer (English) understand.

import { REGISTER_LOCAL_CODES, RegisterError } from '../register/types.js';
import { TransportError } from './protocol/transport-error.js';

interface ErrorText {
  ru: string;
  en: string;
}

const DEVICE_ERRORS: ReadonlyMap<number, ErrorText> = new Map([
  [0, { ru: 'Ошибок нет', en: 'no error' }],
  [8, { ru: 'Неверная цена (сумма)', en: 'wrong price or amount' }],
  [10, { ru: 'Неверное количество', en: 'wrong quantity' }],
  [102, { ru: 'Команда не разрешена в этом режиме ККТ', en: 'command not allowed in this register mode' }],
  [103, { ru: 'Нет бумаги', en: 'out of paper' }],
  [114, { ru: 'Сумма оплаты меньше суммы чека', en: 'payments are below the receipt total' }],
  [
    136,
    {
      ru: 'Смена превысила 24 часа, закройте смену',
      en: 'shift is over 24 hours, close the shift (Z report)',
    },
  ],
  [140, { ru: 'Неверный пароль', en: 'wrong password' }],
  [154, { ru: 'Чек закрыт, операция невозможна', en: 'receipt is closed, operation impossible' }],
  [155, { ru: 'Чек открыт, операция невозможна', en: 'receipt is open, operation impossible' }],
  [156, { ru: 'Смена открыта, операция невозможна', en: 'shift is open, operation impossible' }],
  [168, { ru: 'ККТ не фискализирована', en: 'register is not fiscalized' }],
  [212, { ru: 'Неверное состояние ФН', en: 'wrong fiscal storage (FN) state' }],
  [215, { ru: 'Срок действия ФН истёк', en: 'fiscal storage (FN) has expired' }],
  [216, { ru: 'Архив ФН переполнен', en: 'fiscal storage (FN) archive is full' }],
  [REGISTER_LOCAL_CODES.INVALID_REQUEST, { ru: 'Неверные данные чека', en: 'invalid receipt request' }],
  [REGISTER_LOCAL_CODES.TIMEOUT, { ru: 'ККТ не отвечает', en: 'register does not answer' }],
  [REGISTER_LOCAL_CODES.DISCONNECTED, { ru: 'ККТ не подключена', en: 'register is not connected' }],
  [REGISTER_LOCAL_CODES.PROTOCOL, { ru: 'Непонятный ответ ККТ', en: 'unexpected answer from the register' }],
]);

export function deviceErrorText(code: number): ErrorText {
  return DEVICE_ERRORS.get(code) ?? { ru: `Ошибка ККТ ${code}`, en: `register error ${code}` };
}

/** One line for logs and API answers: "Нет бумаги / out of paper (103)". */
export function describeDeviceError(code: number, detail?: string): string {
  const text = deviceErrorText(code);
  return `${text.ru} / ${text.en} (${code})${detail ? `: ${detail}` : ''}`;
}

export function registerError(code: number, detail?: string): RegisterError {
  return new RegisterError(code, describeDeviceError(code, detail));
}

/** Any failure of an operation as the RegisterError the driver reports (local codes below the device's). */
export function toRegisterError(error: unknown): RegisterError {
  if (error instanceof RegisterError) return error;
  if (error instanceof TransportError) {
    if (error.failure === 'timeout') return registerError(REGISTER_LOCAL_CODES.TIMEOUT, error.message);
    if (error.failure === 'protocol') return registerError(REGISTER_LOCAL_CODES.PROTOCOL, error.message);
    return registerError(REGISTER_LOCAL_CODES.DISCONNECTED, error.message);
  }
  return registerError(REGISTER_LOCAL_CODES.PROTOCOL, error instanceof Error ? error.message : String(error));
}
