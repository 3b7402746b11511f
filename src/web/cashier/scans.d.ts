// Types for the browser module scans.js, so the TypeScript tests can import it.
export interface Scan {
  text: string;
  kind?: 'card' | 'phone' | 'qr';
}
export function parseScan(data: unknown): Scan | null;
export function subscribeScans(options: {
  tillId: string | null | undefined;
  token: string | null | undefined;
  onScan: (scan: Scan) => void;
  onState?: (state: 'connected' | 'reconnecting' | 'absent') => void;
}): () => void;
