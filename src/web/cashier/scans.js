// Live codes from the serial scanner: GET /v1/scans/stream (server-sent events). EventSource
// cannot send headers, so the token travels in the query. An agent without the stream simply
// leaves the page without live scans — no error is shown for that.

const RETRY_AFTER_CLOSE_MS = 60_000;

/** @typedef {'card' | 'phone' | 'qr'} ScanKind */
/** @typedef {{ text: string, kind?: ScanKind }} Scan */
/** @typedef {'connected' | 'reconnecting' | 'absent'} ScannerState */
/** @type {readonly unknown[]} */
const SCAN_KINDS = ['card', 'phone', 'qr'];

/**
 * One event's data → {text, kind?}. The agent sends {raw, kind, value} (value normalised);
 * a bare code or {code|text} is accepted too.
 * @param {unknown} data
 * @returns {Scan | null}
 */
export function parseScan(data) {
  const raw = String(data ?? '').trim();
  if (!raw) return null;
  if (raw.startsWith('{')) {
    try {
      /** @type {{ value?: unknown, code?: unknown, text?: unknown, raw?: unknown, kind?: unknown }} */
      const obj = JSON.parse(raw) ?? {};
      const text = [obj.value, obj.code, obj.text, obj.raw].find(
        /** @returns {v is string} */ (v) => typeof v === 'string' && v.trim() !== '',
      );
      if (!text) return null;
      const kind = SCAN_KINDS.includes(obj.kind) ? /** @type {ScanKind} */ (obj.kind) : undefined;
      return kind ? { text: text.trim(), kind } : { text: text.trim() };
    } catch {
      // Not JSON after all: a code that happens to start with "{".
    }
  }
  return { text: raw };
}

/**
 * Subscribes to the scanner stream. `onState` receives "connected" | "reconnecting" | "absent".
 * Returns a function that closes the subscription.
 * @param {{ tillId: string | null | undefined, token: string | null | undefined,
 *   onScan: (scan: Scan) => void, onState?: (state: ScannerState) => void }} options
 * @returns {() => void}
 */
export function subscribeScans({ tillId, token, onScan, onState = () => {} }) {
  if (typeof EventSource === 'undefined' || !token) return () => {};
  // The agent knows the till from the token; tillId only makes a mismatch an explicit 403.
  const query = new URLSearchParams(tillId ? { tillId, token } : { token });
  /** @type {EventSource | null} */
  let source = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let retryTimer;
  let stopped = false;

  /** @param {MessageEvent} event */
  const handle = (event) => {
    const scan = parseScan(event.data);
    if (scan) onScan(scan);
  };

  const open = () => {
    const opened = new EventSource(`/v1/scans/stream?${query}`);
    source = opened;
    opened.onopen = () => onState('connected');
    opened.onmessage = handle;
    opened.addEventListener('scan', handle);
    opened.onerror = () => {
      // CLOSED means the agent answered with something other than a stream (404, 401…):
      // try again much later in case the agent gets upgraded; CONNECTING is the browser's own retry.
      if (opened.readyState === EventSource.CLOSED) {
        onState('absent');
        if (!stopped) retryTimer = setTimeout(open, RETRY_AFTER_CLOSE_MS);
      } else {
        onState('reconnecting');
      }
    };
  };

  open();
  return () => {
    stopped = true;
    clearTimeout(retryTimer);
    source?.close();
  };
}
