-- after_019.sql - the batches' withdrawn and paid totals that
-- 019_publicity_totals.sql's trigger keeps (skipped by the bulk load),
-- recomputed from the items, one pass over them.
UPDATE publicity_batches b
LEFT JOIN (SELECT batch_id,
        SUM(withdrawn = 1) AS wn, SUM(IF(withdrawn = 1, amount, 0)) AS wa,
        SUM(paid_on IS NOT NULL) AS pn, SUM(IF(paid_on IS NOT NULL, amount, 0)) AS pa,
        MAX(paid_on) AS lp
    FROM publicity_items GROUP BY batch_id) t ON t.batch_id = b.id
SET b.withdrawn_count = COALESCE(t.wn, 0), b.withdrawn_amount = COALESCE(t.wa, 0),
    b.paid_count = COALESCE(t.pn, 0), b.paid_amount = COALESCE(t.pa, 0),
    b.last_paid_on = t.lp;

-- each item's grams under its batch (the search of a short word); their
-- totals per batch and gram (025's triggers) made once by after_025.sql
SET @voucher_bulk_load = 1;
DELETE FROM publicity_item_grams;
INSERT IGNORE INTO publicity_item_grams (batch_id, gram, rel, item_id)
    SELECT i.batch_id, g.gram, IF(LOCATE(g.gram, i.product_name) > 0, 0, 1), i.id
    FROM publicity_items i JOIN search_grams g ON g.text_id = i.search_text_id;
SET @voucher_bulk_load = NULL;
