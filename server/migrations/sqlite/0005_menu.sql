-- The menu as the owner manages it: categories of their own (named and ordered), dishes placed
-- in a category with a position, 估清 (sold out), a photo, the contents of set meals, and a
-- version per store that rises with every change (the `menu_update` the table streams carry).

CREATE TABLE categories (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id INTEGER NOT NULL REFERENCES stores(id),
    name     TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (store_id, name)
);

-- Today's categories are the text on each dish: one row each, in the order the menu showed them.
INSERT INTO categories (store_id, name, position)
SELECT store_id, category, MIN(position) FROM dishes GROUP BY store_id, category
ORDER BY store_id, MIN(position);

ALTER TABLE dishes ADD COLUMN category_id INTEGER REFERENCES categories(id);
UPDATE dishes SET category_id =
    (SELECT c.id FROM categories c WHERE c.store_id = dishes.store_id AND c.name = dishes.category);
ALTER TABLE dishes DROP COLUMN category;

ALTER TABLE dishes ADD COLUMN sold_out INTEGER NOT NULL DEFAULT 0;
UPDATE dishes SET sold_out = 1 - available;
ALTER TABLE dishes DROP COLUMN available;

-- The photo's stored name (content-addressed: `<hash>.<ext>`), served under /media/.
ALTER TABLE dishes RENAME COLUMN image TO photo;

CREATE UNIQUE INDEX dishes_by_name ON dishes (store_id, name);
CREATE INDEX dishes_by_category ON dishes (category_id, position);
-- No index of cart lines by dish: a menu change scans the open carts' lines (a few hundred at
-- most), while an index would cost every cart edit, the busiest write, another page.

-- What a set meal holds. A dish inside a set cannot be removed while the set holds it.
CREATE TABLE set_items (
    set_id   INTEGER NOT NULL REFERENCES dishes(id) ON DELETE CASCADE,
    dish_id  INTEGER NOT NULL REFERENCES dishes(id),
    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    position INTEGER NOT NULL,
    PRIMARY KEY (set_id, dish_id)
);
CREATE INDEX set_items_by_dish ON set_items (dish_id);

-- The demo store's set meals, whose contents were only their description until now.
INSERT INTO set_items (set_id, dish_id, quantity, position)
SELECT s.set_id, s.dish_id, s.quantity, s.position
FROM (SELECT 2001 AS set_id, 1001 AS dish_id, 1 AS quantity, 0 AS position
      UNION ALL SELECT 2001, 1009, 1, 1
      UNION ALL SELECT 2001, 1011, 1, 2
      UNION ALL SELECT 2002, 1004, 1, 0
      UNION ALL SELECT 2002, 1005, 1, 1
      UNION ALL SELECT 2002, 1009, 2, 2
      UNION ALL SELECT 2002, 1010, 1, 3) s
WHERE (SELECT COUNT(*) FROM dishes d WHERE d.store_id = 1 AND d.id IN (s.set_id, s.dish_id)) = 2;

ALTER TABLE stores ADD COLUMN menu_version INTEGER NOT NULL DEFAULT 0;
