-- The tracking link of an order (a carrier's page), shown in the Order Status reply. Written by the
-- admin API and `wabot import orders`; NULL when the business gave none.
ALTER TABLE orders ADD COLUMN tracking_url TEXT;
