-- What customers feel of a store's settings: its logo, an announcement line, business hours in
-- its local time, 暂停接单, and the owner opening or closing by hand. The name stays in `stores`.
-- A store without a row here (every store until its owner changes something, the existing demo
-- store included) has the defaults: open around the clock, taking orders, China time.

CREATE TABLE store_settings (
    store_id           INTEGER PRIMARY KEY REFERENCES stores(id),
    logo               TEXT,
    announcement       TEXT,
    -- JSON: [{"open":"10:00","close":"22:00","days":[1,2,3,4,5]}, …]; [] is around the clock.
    hours              TEXT NOT NULL,
    utc_offset_minutes INTEGER NOT NULL,
    paused             INTEGER NOT NULL,
    -- Opened (1) or closed (0) by hand, until manual_until (ms; NULL: until changed); NULL: by the hours.
    manual_open        INTEGER,
    manual_until       INTEGER
);
