-- Stagecraft's demo database: a small shop, big enough for batched backfills to matter.
-- Generated on first run by DemoDatabase from this file; every value is derived from the row
-- number, so two generated databases are identical. Statements end with ';' at the end of a line.
-- Bump PRAGMA user_version at the end when this definition changes: the file is then regenerated.

PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    country TEXT NOT NULL DEFAULT 'NL' CHECK (length(country) = 2),
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    stock INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'paid', 'shipped', 'cancelled')),
    placed_at TEXT NOT NULL,
    total_cents INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE order_items (
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents INTEGER NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

-- 5,000 customers
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO customers (id, email, full_name, country, created_at)
SELECT i, 'customer' || i || '@example.com',
       substr('AdaBobCarDanEveFinGusHalIdaJon', (i % 10) * 3 + 1, 3) || ' ' ||
       substr('SmithJonesMilleDavisGarciBrownWilsoMoore', (i % 8) * 5 + 1, 5) || ' ' || i,
       substr('NLDEFRBEGBUSESITSEPL', (i % 10) * 2 + 1, 2),
       datetime(1672531200 + i * 6000, 'unixepoch')
FROM n;

-- 500 products
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO products (id, sku, name, price_cents, stock)
SELECT i, printf('SKU-%05d', i),
       substr('MugLampDeskSofaRugCupVaseBowlPenBag', (i % 10) * 3 + 1, 4) || ' model ' || i,
       199 + (i * 37) % 9800, (i * 13) % 400
FROM n;

-- 200,000 orders
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
INSERT INTO orders (id, customer_id, status, placed_at)
SELECT i, 1 + (i * 7919) % 5000,
       CASE WHEN i % 20 < 12 THEN 'shipped' WHEN i % 20 < 17 THEN 'paid' WHEN i % 20 < 19 THEN 'new'
            ELSE 'cancelled' END,
       datetime(1704067200 + i * 150 + (i * 7919) % 120, 'unixepoch')
FROM n;

-- 1 to 3 lines per order: 400,000 order items
WITH RECURSIVE k(line) AS (SELECT 1 UNION ALL SELECT line + 1 FROM k WHERE line < 3)
INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price_cents)
SELECT o.id, k.line, 1 + (o.id * 31 + k.line * 17) % 500, 1 + (o.id + k.line) % 4,
       199 + ((1 + (o.id * 31 + k.line * 17) % 500) * 37) % 9800
FROM orders o JOIN k ON k.line <= 1 + o.id % 3
ORDER BY o.id, k.line;

UPDATE orders SET total_cents =
    (SELECT sum(quantity * unit_price_cents) FROM order_items WHERE order_id = orders.id);

CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE INDEX orders_placed_at_idx ON orders (placed_at);
CREATE INDEX order_items_product_id_idx ON order_items (product_id);

ANALYZE;
PRAGMA journal_mode = WAL;
PRAGMA user_version = 1;
