// Drawing the page's frame from state: the error and notice strips, the status bar and the
// customer card (the receipt and the return dialog: receipt-view.js). Everything from the agent
// goes in as text (never as HTML), so a customer name or an error message cannot inject markup.
/**
 * @import { CustomerView, IdentifyResponse } from '../../agent/till-api.js'
 * @import { ScannerState } from './scans.js'
 */
import { $, h } from './dom.js';
import { formatPoints, formatPointsWithWord, formatRubles } from './money.js';

/** @typedef {{ message?: unknown, code?: unknown }} ShownError an ApiError, a DraftError or alike */

/**
 * What the page reads of GET /v1/status (POS-API.md); it draws whatever is there.
 * @typedef {object} AgentStatus
 * @property {string} [version]
 * @property {{ driver?: string, state?: string, lastError?: string }} [register]
 * @property {{ state?: string, lastSyncAt?: string, lastError?: string }} [cloud]
 * @property {{ pending?: number, deadLetter?: number, oldestAgeSec?: number }} [queue]
 * @property {{ version?: string }} [program]
 */

// ---------------------------------------------------------------- strips

/**
 * The red strip: the API's human message, with its code in small print for support.
 * @param {ShownError | null | undefined} err
 */
export function showError(err) {
  const strip = $('alert');
  const message = err && typeof err.message === 'string' && err.message ? err.message : 'Неизвестная ошибка.';
  const code = typeof err?.code === 'string' && err.code ? err.code : null;
  // No code (a DraftError): no second span at all (replaceChildren would print a null as "null").
  strip.replaceChildren(
    h('span', { className: 'strip-text' }, message),
    ...(code ? [h('span', { className: 'strip-code' }, code)] : []),
  );
  strip.hidden = false;
  $('notice').hidden = true;
}

export function clearError() {
  $('alert').hidden = true;
}

/** @param {string} text */
export function showNotice(text) {
  const strip = $('notice');
  strip.textContent = text;
  strip.hidden = false;
}

export function clearNotice() {
  $('notice').hidden = true;
}

/**
 * Shows an inline error inside a dialog (hidden when `err` is null).
 * @param {string} id
 * @param {{ message: string } | null} err
 */
export function showFieldError(id, err) {
  const node = $(id);
  node.textContent = err ? err.message : '';
  node.hidden = !err;
}

// ---------------------------------------------------------------- status bar

/** @type {Record<string, string | undefined>} */
const REGISTER_STATES = {
  ready: 'готова',
  idle: 'готова',
  busy: 'занята',
  printing: 'печатает',
  error: 'ошибка',
  offline: 'нет связи',
  disconnected: 'нет связи',
};
/** @type {Record<string, string | undefined>} */
const CLOUD_STATES = { online: 'на связи', offline: 'нет связи', unconfigured: 'не настроено' };

/**
 * @param {string} id
 * @param {string} text
 * @param {'ok' | 'warn' | 'bad' | 'muted'} level
 * @param {string} [title]
 */
function setChip(id, text, level, title = '') {
  const chip = $(id);
  chip.textContent = text;
  chip.className = `chip ${level}`;
  chip.title = title;
}

/** @param {string | undefined} iso */
function formatClock(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  const time = d.toLocaleTimeString('ru-RU', { hour: '2-digit', minute: '2-digit' });
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay ? time : `${d.toLocaleDateString('ru-RU', { day: '2-digit', month: '2-digit' })} ${time}`;
}

/** @param {AgentStatus} status */
export function renderStatus(status) {
  const reg = status.register ?? {};
  if (reg.driver === 'none') {
    setChip('st-register', 'Касса: без ККТ', 'muted');
  } else {
    const label = (reg.state && REGISTER_STATES[reg.state]) ?? reg.state ?? '—';
    const level = reg.lastError || reg.state === 'error' ? 'bad' : reg.state === 'ready' ? 'ok' : 'warn';
    setChip('st-register', `Касса: ${label}`, level, reg.lastError ?? '');
  }

  const cloud = status.cloud ?? {};
  const synced = formatClock(cloud.lastSyncAt);
  const cloudLevel = cloud.state === 'online' ? 'ok' : cloud.state === 'offline' ? 'bad' : 'muted';
  setChip(
    'st-cloud',
    `Облако: ${(cloud.state && CLOUD_STATES[cloud.state]) ?? cloud.state ?? '—'}${synced ? ` · синхр. ${synced}` : ''}`,
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

/** @param {{ status?: number, message: string }} err */
export function renderStatusUnavailable(err) {
  setChip('st-register', 'Касса: —', 'muted');
  setChip('st-cloud', 'Облако: —', 'muted');
  setChip('st-queue', 'Очередь: —', 'muted');
  setChip('st-version', err.status === 401 ? 'Нужен токен кассы' : 'Агент недоступен', 'bad', err.message);
}

/** @param {ScannerState} state */
export function renderScannerState(state) {
  const chip = $('st-scanner');
  chip.hidden = state === 'absent';
  if (state === 'connected') setChip('st-scanner', 'Сканер: на связи', 'ok');
  if (state === 'reconnecting') setChip('st-scanner', 'Сканер: переподключение', 'warn');
}

// ---------------------------------------------------------------- customer

const KIND_TITLES = { card: 'Карта', phone: 'Телефон', qr: 'QR-код' };

/** @param {'card' | 'phone' | 'qr' | null} kind */
export function renderIdentifyHint(kind) {
  $('identify-hint').textContent = kind ? `Распознано: ${KIND_TITLES[kind]}` : '';
}

/**
 * @param {CustomerView | null} customer
 * @param {IdentifyResponse['source'] | null} source
 * @param {() => void} onClear
 */
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
