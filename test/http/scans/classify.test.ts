// The agent's scan classifier: the domain rules the scanner driver and the scan routes are given.
import { describe, expect, it } from 'vitest';
import { scanClassifier } from '../../../src/http/scans/classify.js';

describe('classifying scans', () => {
  const classify = scanClassifier();

  it('recognizes a barcode card, a track 2 swipe, a typed phone and an app QR', () => {
    expect(classify('2000000000015')).toEqual({ raw: '2000000000015', kind: 'card', value: '2000000000015' });
    expect(classify(';2000000000015=2612101?')).toEqual({
      raw: ';2000000000015=2612101?',
      kind: 'card',
      value: '2000000000015',
    });
    expect(classify('8 (912) 345-67-89')).toMatchObject({ kind: 'phone', value: '+79123456789' });
    expect(classify('LQ1.eyJjIjoiYzQyIn0.c2ln')).toMatchObject({
      kind: 'qr',
      value: 'LQ1.eyJjIjoiYzQyIn0.c2ln',
    });
  });

  it('refuses product barcodes, GS1 codes and noise', () => {
    expect(classify('4607001234567')).toBeNull(); // wrong EAN-13 check digit for a card
    expect(classify('0104606203086627215!&VbN\x1d93dGVz')).toBeNull();
    expect(classify('%%%')).toBeNull();
  });

  it('applies the program card ranges when given', () => {
    const ranged = scanClassifier(() => [{ prefix: '777', lengths: [8] }]);
    expect(ranged('77712345')).toMatchObject({ kind: 'card', value: '77712345' });
    expect(ranged('2000000000015')).toBeNull();
  });
});
