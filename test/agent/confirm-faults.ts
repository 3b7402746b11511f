// Faults put into the till's confirm of a register sale, in process: the register has printed, and
// then the confirm fails or meets a cancel — the moments an interrupted print is made of.
import type { TestAgent } from '../helpers/agent-harness.js';

/** The next confirm of a printed receipt fails (a power cut, a full disk); later ones work again. */
export function failNextConfirm(t: TestAgent, reason = 'power cut'): void {
  const till = t.agent.till;
  const confirm = till.confirmPrinted.bind(till);
  till.confirmPrinted = async () => {
    till.confirmPrinted = confirm;
    throw new Error(reason);
  };
}

/** The till cancels the receipt just before its next confirm, so the printed receipt meets a cancel. */
export function cancelBeforeNextConfirm(t: TestAgent): void {
  const till = t.agent.till;
  const confirm = till.confirmPrinted.bind(till);
  till.confirmPrinted = async (...args) => {
    till.confirmPrinted = confirm;
    const [tillId, receiptId] = args;
    await till.cancel(tillId, receiptId);
    return confirm(...args);
  };
}
