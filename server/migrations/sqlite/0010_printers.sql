-- Printing (issue 13): the store's printers, each owned by one device, which alone prints to it.
CREATE TABLE printers (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id     INTEGER NOT NULL REFERENCES stores(id),
    name         TEXT NOT NULL,
    -- a PrinterRole: 'kitchen', 'bar', 'counter'
    role         TEXT NOT NULL,
    -- the PrinterConnection as JSON, and its address (`host:port`, `cups:<queue>`)
    connection   TEXT NOT NULL,
    address      TEXT NOT NULL,
    -- a PaperWidth: 'mm58', 'mm80'
    paper        TEXT NOT NULL,
    copies       INTEGER NOT NULL DEFAULT 1,
    -- JSON array of category ids
    categories   TEXT NOT NULL DEFAULT '[]',
    -- PrintRules as JSON
    rules        TEXT NOT NULL,
    -- the device (credential) that prints to it
    device_id    INTEGER NOT NULL REFERENCES credentials(id),
    enabled      INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    UNIQUE (store_id, address)
);
CREATE INDEX printers_by_store ON printers (store_id);
