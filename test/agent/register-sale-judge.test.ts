// The judgement on an interrupted print, from the register's last document alone.
import { describe, expect, it } from 'vitest';
import type { FiscalDocument } from '../../drivers/register/types.js';
import { judgeInterruptedPrint, type PrintIntent } from '../../src/agent/register-sale-recovery.js';

const intent = (over: Partial<PrintIntent> = {}): PrintIntent => ({
  receiptId: 'r-1',
  tillId: 'till-1',
  startedAt: '2026-11-22T07:00:00.000Z',
  fdBefore: '41',
  total: 73271,
  payments: [{ type: 'card', amount: 73271 }],
  ...over,
});

const doc = (fd: string, total: number): FiscalDocument => ({
  fn: '9999078900012345',
  fd,
  fp: '0123456789',
  at: '2026-11-22T10:00:05',
  total,
});

describe('judgeInterruptedPrint', () => {
  it('printed: the next document carries the receipt total', () => {
    const last = doc('42', 73271);
    expect(judgeInterruptedPrint(intent(), last)).toEqual({ kind: 'printed', document: last });
  });

  it('printed: a shift-opening report and then the receipt', () => {
    expect(judgeInterruptedPrint(intent(), doc('43', 73271)).kind).toBe('printed');
  });

  it('printed: the very first document of a new register', () => {
    expect(judgeInterruptedPrint(intent({ fdBefore: '' }), doc('1', 73271)).kind).toBe('printed');
  });

  it('not printed: no document since', () => {
    expect(judgeInterruptedPrint(intent(), doc('41', 5000)).kind).toBe('not-printed');
    expect(judgeInterruptedPrint(intent({ fdBefore: '' }), null).kind).toBe('not-printed');
  });

  it('not printed: only the shift-opening report (total 0) followed', () => {
    expect(judgeInterruptedPrint(intent(), doc('42', 0)).kind).toBe('not-printed');
  });

  it('unclear: the newer document has another total', () => {
    const v = judgeInterruptedPrint(intent(), doc('42', 100));
    expect(v.kind).toBe('unclear');
    expect(v.kind === 'unclear' && v.reason).toContain('does not match');
  });

  it('unclear: the right total but more documents than one receipt makes', () => {
    expect(judgeInterruptedPrint(intent(), doc('44', 73271)).kind).toBe('unclear');
  });

  it('unclear: a zero report followed by more documents', () => {
    expect(judgeInterruptedPrint(intent(), doc('43', 0)).kind).toBe('unclear');
  });

  it('unclear: a zero-total receipt cannot be told from a report', () => {
    expect(judgeInterruptedPrint(intent({ total: 0 }), doc('42', 0)).kind).toBe('unclear');
  });

  it('unclear: the register went backwards or answered nothing after having documents', () => {
    expect(judgeInterruptedPrint(intent(), doc('40', 73271)).kind).toBe('unclear');
    expect(judgeInterruptedPrint(intent(), null).kind).toBe('unclear');
  });

  it('unclear: document numbers that are not numbers', () => {
    expect(judgeInterruptedPrint(intent({ fdBefore: 'x' }), doc('42', 73271)).kind).toBe('unclear');
    expect(judgeInterruptedPrint(intent(), doc('4.2', 73271)).kind).toBe('unclear');
  });
});
