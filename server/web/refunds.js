// What the customer's page says of the money owed back on an order (a rejected paid order, a
// payment made twice, 退菜): 「已退款 ¥x」 once the provider refunded it (or the restaurant handed
// it back), 「退款中 ¥x」 while it is on its way — the restaurant deals with a failed one.

import { money } from './common.js';

const DONE = ['succeeded', 'offline'];

/** The refunds of one order, by id: the list read at first, then each `refund_update`. */
export class Refunds {
  constructor() {
    this.byId = new Map();
  }

  /** Replace what is known with a list the server returned. */
  reset(list) {
    this.byId = new Map(list.map((refund) => [refund.refundId, refund]));
  }

  /** A `refund_update`: the refund as it stands now. */
  update(refund) {
    this.byId.set(refund.refundId, refund);
  }

  /** The words to show, one per state (none when nothing is owed back). */
  words() {
    const cents = (done) => [...this.byId.values()]
      .filter((refund) => DONE.includes(refund.status) === done)
      .reduce((sum, refund) => sum + Math.round(Number(refund.amount) * 100), 0);
    const refunded = cents(true);
    const pending = cents(false);
    return [
      refunded ? `已退款 ${money(refunded / 100)}` : null,
      pending ? `退款中 ${money(pending / 100)}` : null,
    ].filter(Boolean);
  }
}
