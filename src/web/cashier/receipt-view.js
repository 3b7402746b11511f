// Drawing the receipt (lines, totals, what the calculation applied) and the return dialog's
// lines and result. Everything from the agent goes in as text (never as HTML).
/**
 * @import { Applied } from '../../domain/types.js'
 * @import { ReturnResponse } from '../../agent/till-api.js'
 * @import { ReceiptDraft } from './receipt.js'
 * @import { ReturnableLine } from './return-draft.js'
 */
import { $, button, h } from './dom.js';
import { formatPoints, formatPointsWithWord, formatQuantity, formatRubles } from './money.js';
import { lineAmount } from './receipt.js';

// ---------------------------------------------------------------- receipt lines

/** @type {Record<string, string | undefined>} */
const TAG_TITLES = {
  tobacco: 'табак',
  alcohol: 'алкоголь',
  'gift-certificate': 'сертификат',
  'yellow-price': 'жёлтый ценник',
};

/**
 * @param {number | null} kopecks
 * @param {string} [extra]
 */
function moneyCell(kopecks, extra = '') {
  return h('td', { className: `num ${extra}` }, kopecks === null ? '' : formatRubles(kopecks));
}

/**
 * @param {ReceiptDraft} draft
 * @param {(lineId: string) => void} onRemove
 */
export function renderReceipt(draft, onRemove) {
  $('receipt-id').textContent = draft.id;
  const body = $('lines-body');
  const lines = draft.effectiveLines();
  body.replaceChildren(
    ...lines.map((line, index) => {
      const r = draft.lineResult(line.lineId);
      const tags = (line.tags ?? []).map((t) => h('span', { className: 'tag' }, TAG_TITLES[t] ?? t));
      const removable = draft.mode === 'lines';
      return h(
        'tr',
        {},
        h('td', { className: 'c-no' }, String(index + 1)),
        h(
          'td',
          {},
          h('div', { className: 'line-name' }, line.name, ...tags),
          h(
            'div',
            { className: 'line-sub' },
            // The sku repeats the name when the cashier typed only a name: no need to show it twice.
            `${line.sku && line.sku !== line.name ? `${line.sku} · ` : ''}${formatQuantity(line.qty)} × ${formatRubles(line.price)}`,
          ),
        ),
        moneyCell(r ? r.amount : lineAmount(line.price, line.qty)),
        moneyCell(r ? r.discount : null),
        moneyCell(r ? r.redeemed : null),
        moneyCell(r ? r.paid : null, 'strong'),
        h('td', { className: 'num' }, r ? (r.accruedPoints ? `+${formatPoints(r.accruedPoints)}` : '0') : ''),
        h(
          'td',
          { className: 'c-del' },
          removable
            ? h(
                'button',
                {
                  type: 'button',
                  className: 'icon',
                  title: 'Удалить строку',
                  'aria-label': `Удалить строку ${index + 1}`,
                  onclick: () => onRemove(line.lineId),
                },
                '×',
              )
            : null,
        ),
      );
    }),
  );
  $('lines-empty').hidden = lines.length > 0;
  renderTotals(draft);
}

/** @type {Record<string, string | undefined>} */
const APPLIED_TITLES = {
  tier: 'Уровень',
  birthday: 'День рождения',
  promotion: 'Акция',
  coupon: 'Купон',
  threshold: 'Порог чека',
  enrollment: 'Регистрация',
};
/** @type {Record<string, string | undefined>} */
const COUPON_STATUSES = {
  applied: 'применён',
  unknown: 'не найден',
  used: 'уже использован',
  expired: 'истёк',
  'not-applicable': 'не подходит к чеку',
};

/** @param {Applied} a */
function appliedText(a) {
  const parts = [`${APPLIED_TITLES[a.kind] ?? a.kind}: ${a.title}`];
  if (a.amount) parts.push(`−${formatRubles(a.amount)}`);
  if (a.points) parts.push(`+${formatPointsWithWord(a.points)}`);
  return parts.join(' · ');
}

/** @param {ReceiptDraft} draft */
function renderTotals(draft) {
  const c = draft.calculation;
  const t = c?.totals;
  $('t-amount').textContent = t ? formatRubles(t.amount) : formatRubles(draft.draftAmount());
  $('t-discount').textContent = t ? formatRubles(t.discount) : '—';
  $('t-redeemed').replaceChildren(
    t ? formatRubles(t.redeemedAmount) : '—',
    t?.redeemedPoints ? h('small', { className: 'sub' }, formatPointsWithWord(t.redeemedPoints)) : '',
  );
  $('t-topay').textContent = t ? formatRubles(t.toPay) : '—';
  $('t-accrued').textContent = t ? formatPoints(t.accruedPoints) : '—';
  $('totals').classList.toggle('stale', Boolean(c) && draft.stale);

  const state = $('calc-state');
  if (!c) state.textContent = 'Нажмите «Рассчитать» (F6), чтобы увидеть скидку и баллы.';
  else if (draft.stale) state.textContent = 'Чек изменён — рассчитайте заново (F6).';
  else if (c.offline) state.textContent = 'Рассчитано без связи с облаком.';
  else state.textContent = '';

  const applied = c && !draft.stale ? c.applied : [];
  const coupons = c && !draft.stale ? c.coupons : [];
  $('applied').replaceChildren(
    ...applied.map((a) => h('li', {}, appliedText(a))),
    ...coupons.map((cp) =>
      h(
        'li',
        { className: cp.status === 'applied' ? 'coupon ok' : 'coupon bad' },
        `Купон ${cp.code}: ${COUPON_STATUSES[cp.status] ?? cp.status}`,
      ),
    ),
  );
  $('messages').replaceChildren(...(c && !draft.stale ? c.messages : []).map((m) => h('li', {}, m)));
  button('btn-confirm').disabled = !draft.canConfirm;
}

// ---------------------------------------------------------------- return dialog

/** @param {ReturnableLine[]} lines */
export function renderReturnLines(lines) {
  const table = $('return-lines');
  $('return-lines-body').replaceChildren(
    ...lines.map((l) =>
      h(
        'tr',
        {},
        h('td', {}, `${l.lineId}. ${l.name}`),
        h('td', { className: 'num' }, formatQuantity(l.qty)),
        h(
          'td',
          { className: 'num' },
          h('input', {
            type: 'text',
            inputMode: 'decimal',
            className: 'qty-input',
            'aria-label': `Вернуть из строки ${l.lineId}`,
            dataset: { lineId: l.lineId },
          }),
        ),
      ),
    ),
  );
  table.hidden = lines.length === 0;
}

/** @param {ReturnResponse | null} result */
export function renderReturnResult(result) {
  const box = $('return-result');
  if (!result) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const r = result.refund;
  box.replaceChildren(
    h('div', { className: 'refund-amount' }, `К возврату: ${formatRubles(r.amount)}`),
    h('div', {}, `Баллов вернётся покупателю: ${formatPoints(r.pointsReturned)}`),
    h('div', {}, `Баллов списано (были начислены за покупку): ${formatPoints(r.pointsReversed)}`),
    h('div', { className: 'muted' }, `Возврат ${result.returnId} оформлен.`),
  );
  box.hidden = false;
}
