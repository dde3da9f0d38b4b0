-- Orders with their items frozen at submission, payments received, 催单 reminders, and the
-- durable event journal that the store and order streams replay from.

CREATE TABLE orders (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id         INTEGER NOT NULL REFERENCES stores(id),
    table_id         INTEGER NOT NULL REFERENCES tables(id),
    table_number     TEXT NOT NULL,
    diner_id         INTEGER REFERENCES diners(id),
    idempotency_key  TEXT NOT NULL,
    status           TEXT NOT NULL,
    total_cents      INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    paid_at          INTEGER,
    accepted_at      INTEGER,
    ready_at         INTEGER,
    finished_at      INTEGER,
    reject_reason    TEXT,
    reminder_count   INTEGER NOT NULL DEFAULT 0,
    last_reminder_at INTEGER,
    UNIQUE (table_id, idempotency_key)
);
CREATE INDEX orders_by_store_status ON orders (store_id, status);
CREATE INDEX orders_by_status_created ON orders (status, created_at);

CREATE TABLE order_items (
    order_id         INTEGER NOT NULL REFERENCES orders(id),
    position         INTEGER NOT NULL,
    dish_id          INTEGER NOT NULL,
    name             TEXT NOT NULL,
    kind             INTEGER NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    quantity         INTEGER NOT NULL,
    remark           TEXT,
    diner_id         INTEGER,
    PRIMARY KEY (order_id, position)
);

-- One row per payment a provider told us of. The unique key is what makes a notification
-- count once however often the provider retries it.
CREATE TABLE payments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    provider        TEXT NOT NULL,
    transaction_id  TEXT NOT NULL,
    notification_id TEXT NOT NULL,
    order_id        INTEGER NOT NULL REFERENCES orders(id),
    amount_cents    INTEGER NOT NULL,
    -- 'applied' (paid the order) or 'refund_due' (arrived after cancel, or paid twice).
    outcome         TEXT NOT NULL,
    received_at     INTEGER NOT NULL,
    UNIQUE (provider, transaction_id)
);

CREATE TABLE reminders (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id   INTEGER NOT NULL REFERENCES orders(id),
    created_at INTEGER NOT NULL,
    reply      TEXT,
    replied_at INTEGER
);
CREATE INDEX reminders_by_order ON reminders (order_id, id);

-- Each stream ('store:1', 'order:42') numbers its events 1, 2, 3, … Events are written in the
-- same transaction as the change they report.
CREATE TABLE streams (
    name           TEXT PRIMARY KEY,
    last_seq       INTEGER NOT NULL DEFAULT 0,
    -- Events up to here were pruned; a client asking for older ones must resync.
    pruned_through INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE events (
    stream TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    kind   TEXT NOT NULL,
    data   TEXT NOT NULL,
    at     INTEGER NOT NULL,
    PRIMARY KEY (stream, seq)
);
