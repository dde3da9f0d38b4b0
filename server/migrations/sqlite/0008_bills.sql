-- Dine-in: each party's sitting at a table is a bill; every order is a round of one. A store
-- takes orders 先付后吃 (pay_first, each order paid online first, as before) or 先吃后付
-- (pay_later: rounds go to the kitchen unpaid and the bill is settled at the end).

ALTER TABLE store_settings ADD COLUMN ordering_mode TEXT NOT NULL DEFAULT 'pay_first';

-- The table's sitting: rises by one each time a party leaves (its bill settled, closed, merged or
-- moved away). A diner token names the sitting it joined (`d.<table>.<diner>.<link>.<sitting>`,
-- none for sitting 0), and holds only while it is the table's current one: so the previous
-- party's phones can change nothing once the table is closed.
ALTER TABLE tables ADD COLUMN sitting INTEGER NOT NULL DEFAULT 0;

CREATE TABLE bills (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id     INTEGER NOT NULL REFERENCES stores(id),
    -- The table the party sits at now (换桌 changes it) and that table's sitting then.
    table_id     INTEGER NOT NULL REFERENCES tables(id),
    sitting      INTEGER NOT NULL,
    -- The store's ordering mode when the bill opened: 'pay_first' or 'pay_later'.
    mode         TEXT NOT NULL,
    -- 'open', 'settled', 'closed' or 'merged'.
    status       TEXT NOT NULL,
    rounds       INTEGER NOT NULL DEFAULT 0,
    opened_at    INTEGER NOT NULL,
    closed_at    INTEGER,
    close_reason TEXT,
    closed_by    TEXT,
    merged_into  INTEGER REFERENCES bills(id),
    -- 换桌 / 并台: the number of the table the party went to.
    next_table   TEXT
);
-- One open bill per table: two phones joining at once share one.
CREATE UNIQUE INDEX bills_one_open_per_table ON bills (table_id) WHERE status = 'open';
CREATE INDEX bills_by_store_closed ON bills (store_id, closed_at);

-- How a bill was settled: at most one settlement per bill (settling twice is refused).
CREATE TABLE settlements (
    bill_id        INTEGER PRIMARY KEY REFERENCES bills(id),
    -- 'cash', 'store_qr', 'card', 'online', 'credit', 'free' or 'unpaid' (closed owing money).
    method         TEXT NOT NULL,
    amount_cents   INTEGER NOT NULL,
    received_cents INTEGER,
    change_cents   INTEGER,
    provider       TEXT,
    transaction_id TEXT,
    reason         TEXT,
    by_name        TEXT NOT NULL,
    at             INTEGER NOT NULL
);

ALTER TABLE diners ADD COLUMN bill_id INTEGER REFERENCES bills(id);

ALTER TABLE orders ADD COLUMN bill_id INTEGER REFERENCES bills(id);
ALTER TABLE orders ADD COLUMN round INTEGER;
CREATE INDEX orders_by_bill ON orders (bill_id);

ALTER TABLE order_items ADD COLUMN returned_quantity INTEGER NOT NULL DEFAULT 0;

-- 退菜: each return of part of an order line, who and why; `refund_cents` when it was paid.
CREATE TABLE item_returns (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id     INTEGER NOT NULL REFERENCES orders(id),
    position     INTEGER NOT NULL,
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    amount_cents INTEGER NOT NULL,
    refund_cents INTEGER,
    reason       TEXT NOT NULL,
    by_name      TEXT NOT NULL,
    at           INTEGER NOT NULL
);
CREATE INDEX item_returns_by_order ON item_returns (order_id);

-- Refunds owed to customers. Executing them at the provider comes with the payments issue;
-- here they are recorded as due ('due'), with where they came from.
CREATE TABLE refunds (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id     INTEGER NOT NULL REFERENCES stores(id),
    order_id     INTEGER REFERENCES orders(id),
    bill_id      INTEGER REFERENCES bills(id),
    -- 'item_returned', 'paid_after_cancel', 'duplicate_payment', 'bill_changed' …
    cause        TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    status       TEXT NOT NULL DEFAULT 'due',
    reason       TEXT,
    created_at   INTEGER NOT NULL
);
CREATE INDEX refunds_by_store_created ON refunds (store_id, created_at);

-- Online payments of a whole bill (先吃后付, out_trade_no `BL<8 digits>`), counted once per
-- provider transaction as order payments are. 'applied' settled the bill; 'refund_due' came for a
-- bill already settled, or for an amount the bill no longer owed (a round added meanwhile).
CREATE TABLE bill_payments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    provider        TEXT NOT NULL,
    transaction_id  TEXT NOT NULL,
    notification_id TEXT NOT NULL,
    bill_id         INTEGER NOT NULL REFERENCES bills(id),
    amount_cents    INTEGER NOT NULL,
    outcome         TEXT NOT NULL,
    received_at     INTEGER NOT NULL,
    UNIQUE (provider, transaction_id)
);
