-- Tables the owner manages: grouped in areas (大厅, 包间 …), each with a link that can be
-- regenerated, and removed without losing the orders they took.

-- The area a table stands in; the tables already there stand in the hall.
ALTER TABLE tables ADD COLUMN area TEXT NOT NULL DEFAULT '大厅';

-- Which link of the table is valid: a table token (and the diner tokens made from it) carries
-- the generation it was made for. 0 is the link tables had before links could be regenerated
-- (`t.<id>`), so QR codes already printed keep working.
ALTER TABLE tables ADD COLUMN link_generation INTEGER NOT NULL DEFAULT 0;

-- When the table was removed. Orders keep pointing at it (and keep their own copy of its
-- number), so the row stays; its number is changed on removal to free it for a new table.
ALTER TABLE tables ADD COLUMN removed_at INTEGER;

-- Whether a table is occupied is asked of its open orders.
CREATE INDEX orders_by_table_status ON orders (table_id, status);
