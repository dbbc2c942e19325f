-- 016_scorecards.sql - issue 16 §4: provider scorecards.
--
-- The category's median compares a provider with the providers that have
-- products in its main category: the scorecard finds them by category, so
-- products gets an index led by it (the catalog's indexes lead with
-- listed). Nothing else: the figures are counted from the orders and the
-- rows hanging off each order, along their existing indexes.
-- Never edit it once applied.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

ALTER TABLE products
    ADD KEY ix_products_category (category, provider_id);
