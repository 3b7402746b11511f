// Types for the browser module money.js, so the TypeScript tests can import it.
export function parseRubles(text: string | null | undefined): number | null;
export function parseQuantity(text: string | null | undefined): number | null;
export function parseWhole(text: string | null | undefined): number | null;
export function formatRubles(kopecks: number): string;
export function formatPoints(points: number): string;
export function pointsWord(points: number): string;
export function formatPointsWithWord(points: number): string;
export function formatQuantity(qty: number): string;
