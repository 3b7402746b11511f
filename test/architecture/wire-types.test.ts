// One source per wire type (docs/ARCHITECTURE.md "Wire types"): the till API's bodies and answers,
// the Tx and its totals are each one TypeBox schema, and every user's TypeScript type is that
// schema's Static<>. The type assertions are checked by `npm run typecheck` (tsc reads test/); the
// runtime ones show that the HTTP document, the ingest and the sync checks hold the same schema.
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { RegisterSaleService } from '../../src/agent/register-sale.js';
import type { SaleRequest, SaleResponse } from '../../src/agent/register-sale-api.js';
import type { TillApi } from '../../src/agent/till-api.js';
import { checkTx, type TxCheck } from '../../src/cloud/ingest/tx-schema.js';
import type { Totals as DomainTotals } from '../../src/domain/types.js';
import type { Tx as SyncTx } from '../../src/protocol/sync.js';
import * as R from '../../src/protocol/till/replies.js';
import * as B from '../../src/protocol/till/requests.js';
import { ReceiptForReturnSchema } from '../../src/protocol/wire/receipt-for-return.js';
import { TotalsSchema } from '../../src/protocol/wire/totals.js';
import { type Tx, TxSchema } from '../../src/protocol/wire/tx.js';
import type { FileJournal } from '../../src/storage/journal/file-journal.js';

type Reply<M extends keyof TillApi> = Awaited<ReturnType<TillApi[M]>>;

describe('one source per wire type', () => {
  it('the till service takes and returns the Static<> of the HTTP schemas', () => {
    expectTypeOf<Parameters<TillApi['identify']>[1]>().toEqualTypeOf<Static<typeof B.CustomerQuery>>();
    expectTypeOf<Reply<'identify'>>().toEqualTypeOf<Static<typeof R.IdentifyReply>>();
    expectTypeOf<Parameters<TillApi['calculate']>[1]>().toEqualTypeOf<Static<typeof B.CalculateBody>>();
    expectTypeOf<Reply<'calculate'>>().toEqualTypeOf<Static<typeof R.CalculateReply>>();
    expectTypeOf<Reply<'confirm'>>().toEqualTypeOf<Static<typeof R.ConfirmReply>>();
    expectTypeOf<Reply<'get'>>().toEqualTypeOf<Static<typeof R.ReceiptReply>>();
    expectTypeOf<Parameters<TillApi['createReturn']>[1]>().toEqualTypeOf<Static<typeof B.ReturnBody>>();
    expectTypeOf<Reply<'createReturn'>>().toEqualTypeOf<Static<typeof R.ReturnReply>>();
    expectTypeOf<SaleRequest>().toEqualTypeOf<Static<typeof B.SaleBody>>();
    expectTypeOf<SaleResponse>().toEqualTypeOf<Static<typeof R.SaleReply>>();
    // A sale's body is a calculate body with payments: the shared fields are one definition.
    expect(B.SaleBody.properties.lines).toBe(B.CalculateBody.properties.lines);
    expect(B.SaleBody.properties.customer).toBe(B.CalculateBody.properties.customer);
    expectTypeOf<Parameters<RegisterSaleService['sell']>[1]>().toEqualTypeOf<Static<typeof B.SaleBody>>();
  });

  it('the Tx the agent journals is the Tx the sync sends and the ingest accepts', () => {
    expectTypeOf<SyncTx>().toEqualTypeOf<Tx>();
    expectTypeOf<Awaited<ReturnType<FileJournal['append']>>>().toEqualTypeOf<Tx>();
    expectTypeOf<Extract<TxCheck, { ok: true }>['tx']>().toEqualTypeOf<Tx>();
    // Everything the schema checks is in the type (the type only adds what the cloud stores unchecked).
    expectTypeOf<Tx>().toMatchTypeOf<Static<typeof TxSchema>>();
    // The closed sets the schema names stay closed in the type (SYNC-API.md).
    expectTypeOf<Tx['kind']>().toEqualTypeOf<'sale' | 'return' | 'enrolment'>();
    expectTypeOf<NonNullable<Tx['coupons']>[number]['status']>().toEqualTypeOf<
      'applied' | 'unknown' | 'used' | 'expired' | 'not-applicable'
    >();
    expectTypeOf<Reply<'calculate'>['status']>().toEqualTypeOf<'calculated' | 'confirmed' | 'cancelled'>();
  });

  it('totals are one shape: the core, the till API answers and the Tx', () => {
    expectTypeOf<Static<typeof TotalsSchema>>().toEqualTypeOf<DomainTotals>();
    expectTypeOf<Reply<'calculate'>['totals']>().toEqualTypeOf<Static<typeof TotalsSchema>>();
    expectTypeOf<Reply<'confirm'>['totals']>().toEqualTypeOf<Static<typeof TotalsSchema>>();
    expectTypeOf<Tx['totals']>().toEqualTypeOf<Static<typeof TotalsSchema>>();
  });

  it('the answers, the Tx and the sale read for a return hold the very same Totals schema', () => {
    expect(R.CalculateReply.properties.totals).toBe(TotalsSchema);
    expect(R.ConfirmReply.properties.totals).toBe(TotalsSchema);
    expect(TxSchema.properties.totals).toBe(TotalsSchema);
    expect(ReceiptForReturnSchema.properties.sale.allOf[0]).toBe(TxSchema);
  });

  it('a rule of the one schema holds at the ingest and in the sale read back for a return', () => {
    // Hand-written: a sale of one line of 2 × 150.00 ₽, nothing discounted, 30 points accrued.
    const line = {
      lineId: '1',
      sku: 'A1',
      name: 'Хлеб',
      price: 15000,
      qty: 2,
      amount: 30000,
      discount: 0,
      redeemed: 0,
      paid: 30000,
      accruedPoints: 30,
    };
    const totals = {
      amount: 30000,
      discount: 0,
      redeemedPoints: 0,
      redeemedAmount: 0,
      toPay: 30000,
      accruedPoints: 30,
    };
    const sale = {
      id: 'tx-1',
      seq: 1,
      kind: 'sale',
      storeId: 's1',
      tillId: 't1',
      at: '2026-03-01T12:00:00+03:00',
      offline: false,
      programVersion: 'v1',
      receiptId: 'r1',
      customer: {},
      lines: [line],
      totals,
    };
    const answer = {
      receiptId: 'r1',
      storeId: 's1',
      tillId: 't1',
      at: sale.at,
      customerId: null,
      returns: [],
      returned: {},
    };
    expect(checkTx(sale)).toEqual({ ok: true, tx: sale });
    expect(Value.Check(ReceiptForReturnSchema, { ...answer, sale })).toBe(true);

    const negative = { ...sale, totals: { ...totals, toPay: -1 } };
    expect(checkTx(negative)).toEqual({ ok: false, reason: expect.stringMatching(/^totals\/toPay: /) });
    expect(Value.Check(ReceiptForReturnSchema, { ...answer, sale: negative })).toBe(false);
  });
});
