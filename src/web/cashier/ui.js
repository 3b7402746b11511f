// Drawing the page from state. Everything from the agent goes in as text (never as HTML), so a
// customer name or an error message cannot inject markup.
import { formatPoints, formatPointsWithWord, formatQuantity, formatRubles } from './money.js';
import { lineAmount } from './receipt.js';

export const $ = (id) => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`page element #${id} is missing`);
  return node;
};

/**
 * Creates an element: h('span', {className: 'x', 'aria-label': '…', dataset: {…}}, 'text', child).
 * Keys with a dash are attributes; the rest are DOM properties.
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.includes('-')) node.setAttribute(key, String(value));
    else node[key] = value;
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// ---------------------------------------------------------------- strips

/** The red strip: the API's human message, with its code in small print for support. */
export function showError(err) {
  const strip = $('alert');
  const message = err && typeof err.message === 'string' && err.message ? err.message : 'Неизвестная ошибка.';
  strip.replaceChildren(
    h('span', { className: 'strip-text' }, message),
    err?.code ? h('span', { className: 'strip-code' }, err.code) : null,
  );
  strip.hidden = false;
  $('notice').hidden = true;
}

export function clearError() {
  $('alert').hidden = true;
}

export function showNotice(text) {
  const strip = $('notice');
  strip.textContent = text;
  strip.hidden = false;
}

export function clearNotice() {
  $('notice').hidden = true;
}

/** Shows an inline error inside a dialog (hidden when `err` is null). */
export function showFieldError(id, err) {
  const node = $(id);
  node.textContent = err ? err.message : '';
  node.hidden = !err;
}

// ---------------------------------------------------------------- status bar

const REGISTER_STATES = {
  ready: 'готова',
  idle: 'готова',
  busy: 'занята',
  printing: 'печатает',
  error: 'ошибка',
  offline: 'нет связи',
  disconnected: 'нет связи',
};
const CLOUD_STATES = { online: 'на связи', offline: 'нет связи', unconfigured: 'не настроено' };

function setChip(id, text, level, title = '') {
  const chip = $(id);
  chip.textContent = text;
  chip.className = `chip ${level}`;
  chip.title = title;
}

function formatClock(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  const time = d.toLocaleTimeString('ru-RU', { hour: '2-digit', minute: '2-digit' });
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay ? time : `${d.toLocaleDateString('ru-RU', { day: '2-digit', month: '2-digit' })} ${time}`;
}

export function renderStatus(status) {
  const reg = status.register ?? {};
  if (reg.driver === 'none') {
    setChip('st-register', 'Касса: без ККТ', 'muted');
  } else {
    const label = REGISTER_STATES[reg.state] ?? reg.state ?? '—';
    const level = reg.lastError || reg.state === 'error' ? 'bad' : reg.state === 'ready' ? 'ok' : 'warn';
    setChip('st-register', `Касса: ${label}`, level, reg.lastError ?? '');
  }

  const cloud = status.cloud ?? {};
  const synced = formatClock(cloud.lastSyncAt);
  const cloudLevel = cloud.state === 'online' ? 'ok' : cloud.state === 'offline' ? 'bad' : 'muted';
  setChip(
    'st-cloud',
    `Облако: ${CLOUD_STATES[cloud.state] ?? cloud.state ?? '—'}${synced ? ` · синхр. ${synced}` : ''}`,
    cloudLevel,
    cloud.lastError ?? '',
  );

  const q = status.queue ?? {};
  const dead = q.deadLetter ?? 0;
  setChip(
    'st-queue',
    `Очередь: ${q.pending ?? 0}${dead ? ` · ошибок: ${dead}` : ''}`,
    dead ? 'bad' : q.pending ? 'warn' : 'ok',
    q.oldestAgeSec ? `Самому старому чеку ${Math.round(q.oldestAgeSec / 60)} мин` : '',
  );

  const program = status.program?.version ? ` · программа ${status.program.version}` : '';
  setChip('st-version', `Агент ${status.version ?? '—'}${program}`, 'muted');
}

export function renderStatusUnavailable(err) {
  setChip('st-register', 'Касса: —', 'muted');
  setChip('st-cloud', 'Облако: —', 'muted');
  setChip('st-queue', 'Очередь: —', 'muted');
  setChip('st-version', err.status === 401 ? 'Нужен токен кассы' : 'Агент недоступен', 'bad', err.message);
}

export function renderScannerState(state) {
  const chip = $('st-scanner');
  chip.hidden = state === 'absent';
  if (state === 'connected') setChip('st-scanner', 'Сканер: на связи', 'ok');
  if (state === 'reconnecting') setChip('st-scanner', 'Сканер: переподключение', 'warn');
}

// ---------------------------------------------------------------- customer

const KIND_TITLES = { card: 'Карта', phone: 'Телефон', qr: 'QR-код' };

export function renderIdentifyHint(kind) {
  $('identify-hint').textContent = kind ? `Распознано: ${KIND_TITLES[kind]}` : '';
}

export function renderCustomer(customer, source, onClear) {
  const box = $('customer');
  if (!customer) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const tier = customer.tier;
  const balance = customer.balance ?? { available: 0, pending: 0 };
  const id = customer.cardLast4
    ? `Карта •••• ${customer.cardLast4}`
    : customer.phoneMasked
      ? `Тел. ${customer.phoneMasked}`
      : null;
  const next = customer.nextTier
    ? `До уровня «${customer.nextTier.name}» осталось ${formatRubles(customer.nextTier.remaining)}`
    : 'Максимальный уровень';
  box.replaceChildren(
    h(
      'div',
      { className: 'customer-head' },
      h('span', { className: 'customer-name', id: 'customer-name' }, customer.displayName),
      h(
        'span',
        { className: 'tier', id: 'customer-tier' },
        `${tier.name} · скидка ${tier.discountPercent}% · баллы ${tier.accrualPercent}%`,
      ),
      h(
        'button',
        { type: 'button', className: 'link', id: 'btn-clear-customer', onclick: onClear },
        'Сбросить',
      ),
    ),
    h(
      'div',
      {},
      id ? h('span', { className: 'muted' }, `${id} · `) : null,
      h(
        'span',
        { id: 'customer-balance' },
        'Баланс: ',
        h('strong', {}, formatPointsWithWord(balance.available)),
        balance.pending ? ` (ещё ${formatPoints(balance.pending)} ожидают начисления)` : '',
      ),
    ),
    h(
      'div',
      {},
      h('span', { id: 'customer-next', className: customer.nextTier ? '' : 'muted' }, next),
      customer.birthdayWindow
        ? h('span', { className: 'badge birthday', id: 'customer-birthday' }, 'День рождения')
        : null,
      customer.redeemNeedsCode ? h('span', { className: 'badge code' }, 'Баллы — по коду из SMS') : null,
      source === 'cache' ? h('span', { className: 'badge offline' }, 'Из кэша: облако недоступно') : null,
    ),
  );
  box.hidden = false;
}

// ---------------------------------------------------------------- receipt lines

const TAG_TITLES = {
  tobacco: 'табак',
  alcohol: 'алкоголь',
  'gift-certificate': 'сертификат',
  'yellow-price': 'жёлтый ценник',
};

function moneyCell(kopecks, extra = '') {
  return h('td', { className: `num ${extra}` }, kopecks === null ? '' : formatRubles(kopecks));
}

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

const APPLIED_TITLES = {
  tier: 'Уровень',
  birthday: 'День рождения',
  promotion: 'Акция',
  coupon: 'Купон',
  threshold: 'Порог чека',
  enrollment: 'Регистрация',
};
const COUPON_STATUSES = {
  applied: 'применён',
  unknown: 'не найден',
  used: 'уже использован',
  expired: 'истёк',
  'not-applicable': 'не подходит к чеку',
};

function appliedText(a) {
  const parts = [`${APPLIED_TITLES[a.kind] ?? a.kind}: ${a.title}`];
  if (a.amount) parts.push(`−${formatRubles(a.amount)}`);
  if (a.points) parts.push(`+${formatPointsWithWord(a.points)}`);
  return parts.join(' · ');
}

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
  $('btn-confirm').disabled = !draft.canConfirm;
}

// ---------------------------------------------------------------- return dialog

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
