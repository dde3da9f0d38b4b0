-- Real money (issue 12): payments created at the providers, reconciled by query, closed before an
-- unpaid order is cancelled; refunds requested from the providers and confirmed.

-- A payment created at a provider for an order (`OB…`) or a bill (`BL…`). `trade_no` is the
-- `out_trade_no` sent: the number itself for the first charge, `_2`, `_3` … after.
CREATE TABLE charges (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id      INTEGER NOT NULL REFERENCES stores(id),
    order_id      INTEGER REFERENCES orders(id),
    bill_id       INTEGER REFERENCES bills(id),
    trade_no      TEXT NOT NULL UNIQUE,
    -- 'wechat', 'alipay', 'hmac' (the simulator)
    provider      TEXT NOT NULL,
    -- a PayChannel: 'wechat_native', 'wechat_jsapi', 'wechat_h5', 'alipay_wap', 'alipay_qr', 'simulator'
    channel       TEXT NOT NULL,
    amount_cents  INTEGER NOT NULL,
    -- 'open', 'paid', 'closed'
    status        TEXT NOT NULL DEFAULT 'open',
    -- The ChargeDTO handed to the customer page, handed again on a second tap (JSON).
    start_json    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    -- Reconciliation (查单): how many queries so far, and when the next one is due.
    queries       INTEGER NOT NULL DEFAULT 0,
    next_query_at INTEGER NOT NULL,
    closed_at     INTEGER
);
CREATE INDEX charges_open ON charges (status, next_query_at);
CREATE INDEX charges_by_order ON charges (order_id);
CREATE INDEX charges_by_bill ON charges (bill_id);

-- Refunds are executed now. `status`: 'due', 'requested', 'succeeded', 'failed', 'offline'
-- (RefundStatus). The refund number is 'RF' and 8 digits of the id.
-- The payment refunded: NULL provider for money taken offline (the merchant hands it back).
ALTER TABLE refunds ADD COLUMN provider TEXT;
ALTER TABLE refunds ADD COLUMN trade_no TEXT;
ALTER TABLE refunds ADD COLUMN transaction_id TEXT;
-- The whole payment's amount (WeChat wants it beside the refund's).
ALTER TABLE refunds ADD COLUMN paid_cents INTEGER;
ALTER TABLE refunds ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE refunds ADD COLUMN next_attempt_at INTEGER;
ALTER TABLE refunds ADD COLUMN last_error TEXT;
ALTER TABLE refunds ADD COLUMN provider_refund_id TEXT;
ALTER TABLE refunds ADD COLUMN completed_at INTEGER;
ALTER TABLE refunds ADD COLUMN handled_by TEXT;
CREATE INDEX refunds_pending ON refunds (status, next_attempt_at);

-- Before refunds were executed, an order's payment that came after it was cancelled (or paid it
-- a second time) had no refund row: the books read the payment itself. Each gets its row now,
-- owed and asked of its provider like any other, so the books count it and nothing is forgotten.
INSERT INTO refunds (store_id, order_id, bill_id, cause, amount_cents, status, provider, trade_no,
                     transaction_id, paid_cents, next_attempt_at, created_at)
SELECT o.store_id, p.order_id, o.bill_id,
       CASE WHEN o.status = 'cancelled' THEN 'paid_after_cancel' ELSE 'duplicate_payment' END,
       p.amount_cents, 'due', p.provider, printf('OB%08d', p.order_id), p.transaction_id,
       p.amount_cents, p.received_at, p.received_at
FROM payments p JOIN orders o ON o.id = p.order_id
WHERE p.outcome = 'refund_due';
CREATE INDEX refunds_by_order ON refunds (order_id);

-- Noticed with dine-in: bills' diners are read by bill.
CREATE INDEX IF NOT EXISTS diners_by_bill ON diners (bill_id);
