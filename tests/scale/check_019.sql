-- check_019.sql - 019_publicity_totals.sql's kept totals against the rows.
SELECT 'batches whose kept totals differ from their items (019)', COUNT(*)
    FROM publicity_batches b
    LEFT JOIN (SELECT batch_id,
            SUM(withdrawn = 1) AS wn, SUM(IF(withdrawn = 1, amount, 0)) AS wa,
            SUM(paid_on IS NOT NULL) AS pn, SUM(IF(paid_on IS NOT NULL, amount, 0)) AS pa,
            MAX(paid_on) AS lp
        FROM publicity_items GROUP BY batch_id) t ON t.batch_id = b.id
    WHERE b.withdrawn_count <> COALESCE(t.wn, 0) OR b.withdrawn_amount <> COALESCE(t.wa, 0)
       OR b.paid_count <> COALESCE(t.pn, 0) OR b.paid_amount <> COALESCE(t.pa, 0)
       OR NOT (b.last_paid_on <=> t.lp);
SELECT 'item grams missing or extra (019)', ABS((SELECT COUNT(*) FROM publicity_item_grams)
    - (SELECT COUNT(*) FROM publicity_items i JOIN search_grams g ON g.text_id = i.search_text_id));
