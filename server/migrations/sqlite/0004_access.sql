-- Stores, roles and device credentials. A credential is one device of one store with a role
-- (owner, counter, kitchen), or the operator's (no store), who creates stores. Its token is
-- `v.<id>.<mac>`: revoking the row revokes the token, with no change to the server's secret.
CREATE TABLE credentials (
    id         INTEGER PRIMARY KEY,
    store_id   INTEGER REFERENCES stores(id),
    role       TEXT NOT NULL CHECK (role IN ('owner', 'counter', 'kitchen', 'operator')),
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    CHECK ((role = 'operator') = (store_id IS NULL))
);
-- A name names one live device of a store (the operator's live credential is store 0 here).
CREATE UNIQUE INDEX credentials_live_name ON credentials (COALESCE(store_id, 0), name) WHERE revoked_at IS NULL;

-- Devices used to name themselves (`?device=`); now a device is its credential, and what was
-- recorded under the old names belongs to no credential.
DELETE FROM devices;
