-- Stores, their tables and menus, diners, and the shared cart of each table.
-- Money is kept in fen (INTEGER) so that sums are exact.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE stores (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE tables (
    id           INTEGER PRIMARY KEY,
    store_id     INTEGER NOT NULL REFERENCES stores(id),
    number       TEXT NOT NULL,
    -- Rises with every change to this table's cart; the SSE id of each cart_update.
    cart_version INTEGER NOT NULL DEFAULT 0,
    UNIQUE (store_id, number)
);

CREATE TABLE dishes (
    id          INTEGER PRIMARY KEY,
    store_id    INTEGER NOT NULL REFERENCES stores(id),
    category    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    kind        INTEGER NOT NULL CHECK (kind IN (1, 2)),
    image       TEXT,
    description TEXT,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    available   INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE diners (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    table_id   INTEGER NOT NULL REFERENCES tables(id),
    phone      TEXT,
    created_at INTEGER NOT NULL
);

CREATE TABLE cart_items (
    table_id      INTEGER NOT NULL REFERENCES tables(id),
    dish_id       INTEGER NOT NULL REFERENCES dishes(id),
    quantity      INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    remark        TEXT,
    diner_id      INTEGER REFERENCES diners(id),
    -- The cart version that first added the line: keeps lines in the order they were added.
    added_version INTEGER NOT NULL,
    PRIMARY KEY (table_id, dish_id)
);
