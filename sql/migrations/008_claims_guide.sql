-- 008_claims_guide.sql - where the claims and the publicity still disagreed
-- with the guide (issue #11, points 2, 5, 8 and 9). Rule ids refer to
-- shared/SPEC.md.
--
--   * redemption_claims: a claim may be returned for correction (退回补正,
--     rule R4 as amended): status and decision 'returned', with the reason
--     naming the documents or figures to fix; the provider replaces them
--     and submits again (the status goes back to submitted, the decision
--     is cleared, the round is kept in claim_reviews).
--   * redemption_claims.unconfirmed / unconfirmed_reason: rule C2 - a claim
--     approved without the enterprise's C1 confirmation (the 15 days since
--     the first submission ran out, or the bureau decided earlier with a
--     recorded reason).
--   * claim_reviews: every decision on a claim, one row per round (a
--     submission and its decision): the history the provider, the
--     reviewer and the bureau see. Append-only (owned by redemption).
--   * redemption_files: besides the five documents of R1 (one per kind),
--     up to 10 further PDFs of kind 'other', each with a title (guide
--     attachment 2-3: 除其他文件外，每种文件仅可上传一个). slot is 0 for
--     the five kinds and 1..10 for 'other': the unique key and the CHECK
--     make an 11th impossible, whatever the program does.
--   * publicity_items.unconfirmed: the publicity record carries C2's mark.
--
-- Applied by sql/migrate.sh, exactly once; never edit it once applied.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

-- ---------------------------------------------------------------------------
-- R4 (amended): returned for correction; C2: unconfirmed
ALTER TABLE redemption_claims
    MODIFY status ENUM('draft','submitted','approved','rejected','returned') NOT NULL DEFAULT 'draft',
    MODIFY decision ENUM('approved','rejected','returned') NULL,
    ADD COLUMN unconfirmed TINYINT(1) NOT NULL DEFAULT 0 AFTER reason,
    ADD COLUMN unconfirmed_reason VARCHAR(500) NULL AFTER unconfirmed,
    DROP CONSTRAINT ck_claims_decision,
    ADD CONSTRAINT ck_claims_decision CHECK (
        (status IN ('draft','submitted') AND decision IS NULL AND approved_amount IS NULL)
        OR (status = 'approved' AND decision = 'approved' AND approved_amount > 0 AND reviewed_at IS NOT NULL)
        OR (status = 'rejected' AND decision = 'rejected' AND approved_amount IS NULL AND reviewed_at IS NOT NULL
            AND reason IS NOT NULL)
        OR (status = 'returned' AND decision = 'returned' AND approved_amount IS NULL AND reviewed_at IS NOT NULL
            AND reason IS NOT NULL)),
    ADD CONSTRAINT ck_claims_unconfirmed CHECK (unconfirmed IN (0, 1)
        AND (unconfirmed = 1 OR unconfirmed_reason IS NULL));

-- ---------------------------------------------------------------------------
-- claim_reviews: one row per decided round of a claim (R4, C2)
CREATE TABLE claim_reviews (
    id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    order_id            BIGINT UNSIGNED NOT NULL,
    submitted_at        DATETIME     NOT NULL,              -- the round's submission
    decision            ENUM('approved','rejected','returned') NOT NULL,
    approved_amount     BIGINT       NULL,
    reason              VARCHAR(1000) NULL,
    unconfirmed         TINYINT(1)   NOT NULL DEFAULT 0,    -- C2
    unconfirmed_reason  VARCHAR(500) NULL,
    reviewed_by         BIGINT UNSIGNED NULL,
    reviewer_role       VARCHAR(16)  NOT NULL,
    reviewed_at         DATETIME     NOT NULL,
    PRIMARY KEY (id),
    KEY ix_claim_reviews_order (order_id, id),
    CONSTRAINT fk_claim_reviews_order    FOREIGN KEY (order_id)    REFERENCES orders (id),
    CONSTRAINT fk_claim_reviews_reviewer FOREIGN KEY (reviewed_by) REFERENCES accounts (id),
    CONSTRAINT ck_claim_reviews_decision CHECK (
        (decision = 'approved' AND approved_amount > 0)
        OR (decision IN ('rejected','returned') AND approved_amount IS NULL AND reason IS NOT NULL)),
    CONSTRAINT ck_claim_reviews_role CHECK (reviewer_role IN ('reviewer','bureau'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='R4 the rounds of a claim (append-only)';

-- the claims decided before this migration: their one round
INSERT INTO claim_reviews (order_id, submitted_at, decision, approved_amount, reason,
                           reviewed_by, reviewer_role, reviewed_at)
SELECT cl.order_id, cl.submitted_at, cl.decision, cl.approved_amount, cl.reason,
       cl.reviewed_by, COALESCE(a.role, 'reviewer'), cl.reviewed_at
  FROM redemption_claims cl LEFT JOIN accounts a ON a.id = cl.reviewed_by
 WHERE cl.decision IS NOT NULL AND cl.submitted_at IS NOT NULL AND cl.reviewed_at IS NOT NULL
   AND cl.reviewed_by IS NOT NULL AND a.role IN ('reviewer','bureau')
 ORDER BY cl.reviewed_at, cl.order_id;

-- ---------------------------------------------------------------------------
-- R1 and the guide's "other files": up to 10 titled PDFs of kind 'other'
ALTER TABLE redemption_files
    MODIFY kind ENUM('contract','commitment','invoice','invoice_check','receipt','other') NOT NULL,
    ADD COLUMN slot TINYINT UNSIGNED NOT NULL DEFAULT 0 AFTER kind,
    ADD COLUMN title VARCHAR(100) NULL AFTER slot,
    ADD UNIQUE KEY uq_redemption_files_slot (order_id, kind, slot),
    DROP KEY uq_redemption_files_kind,
    ADD CONSTRAINT ck_redemption_files_slot CHECK (
        (kind = 'other' AND slot BETWEEN 1 AND 10 AND title IS NOT NULL)
        OR (kind <> 'other' AND slot = 0 AND title IS NULL));

-- ---------------------------------------------------------------------------
-- C2: the publicity record carries the mark of a claim approved unconfirmed
ALTER TABLE publicity_items
    ADD COLUMN unconfirmed TINYINT(1) NOT NULL DEFAULT 0 AFTER amount,
    ADD CONSTRAINT ck_publicity_items_unconfirmed CHECK (unconfirmed IN (0, 1));
