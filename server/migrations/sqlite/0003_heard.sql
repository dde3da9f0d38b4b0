-- Knowing that alerts were heard: the store's devices, what each did with each alert, and the
-- alerts nobody heard in time.

-- Every device that ever connected to a store's stream; presence itself is live (in memory).
CREATE TABLE devices (
    store_id     INTEGER NOT NULL REFERENCES stores(id),
    device_id    TEXT NOT NULL,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    last_seen_at INTEGER NOT NULL,
    PRIMARY KEY (store_id, device_id)
);

-- An alert is an order's (reminder_id 0) or one 催单's. Each state is recorded once per device.
CREATE TABLE alert_receipts (
    order_id    INTEGER NOT NULL REFERENCES orders(id),
    reminder_id INTEGER NOT NULL DEFAULT 0,
    device_id   TEXT NOT NULL,
    device_name TEXT NOT NULL,
    state       TEXT NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (order_id, reminder_id, device_id, state)
);

-- An alert escalated because nobody heard it; settled when someone did, or the order was handled.
CREATE TABLE escalations (
    order_id    INTEGER NOT NULL REFERENCES orders(id),
    reminder_id INTEGER NOT NULL DEFAULT 0,
    store_id    INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    since       INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    settled_at  INTEGER,
    PRIMARY KEY (order_id, reminder_id)
);
CREATE INDEX escalations_by_store ON escalations (store_id, since);
CREATE INDEX escalations_open ON escalations (settled_at) WHERE settled_at IS NULL;
