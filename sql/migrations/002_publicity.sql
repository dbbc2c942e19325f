-- 002_publicity.sql - the signed, hash-chained publicity list files (R5),
-- per-item payment dates, and the chain head that serialises publishing.
-- Rule ids refer to shared/SPEC.md. Never edit this file once applied: add
-- 003_*.sql instead.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

-- ---------------------------------------------------------------------------
-- publicity_batches: the published list file is built once at publish time
-- and its exact bytes are kept here (file_json), with their SHA-256
-- (file_sha256), the base64 Ed25519 signature of those bytes (signature) and
-- the SHA-256 of the DER public key that made it (key_sha256, to tell keys
-- apart after a rotation). seq is the batch's position in the hash chain
-- (1 = the first published file); period_days is the publicity period asked
-- for at publish time.
ALTER TABLE publicity_batches
    ADD COLUMN seq          INT       NULL AFTER status,
    ADD COLUMN period_days  SMALLINT  NULL AFTER period_ends_at,
    ADD COLUMN file_json    LONGTEXT  NULL AFTER signature,
    ADD COLUMN key_sha256   CHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL AFTER file_json,
    ADD UNIQUE KEY uq_batches_seq (seq),
    ADD CONSTRAINT ck_batches_seq CHECK (seq IS NULL OR seq >= 1),
    ADD CONSTRAINT ck_batches_period CHECK (period_days IS NULL OR period_days BETWEEN 1 AND 90),
    -- a file is never stored without its hash and signature, nor outside the chain
    ADD CONSTRAINT ck_batches_file CHECK (file_json IS NULL
        OR (file_sha256 IS NOT NULL AND signature IS NOT NULL AND seq IS NOT NULL
            AND key_sha256 IS NOT NULL AND status <> 'draft'));

-- ---------------------------------------------------------------------------
-- publicity_items: the date each item was paid (R5). A batch is marked paid
-- at its first payment; an item held back by an open objection is paid later
-- (another pay of the same batch) once the objection is dismissed.
ALTER TABLE publicity_items
    ADD COLUMN paid_on DATE NULL AFTER withdrawn_at,
    ADD CONSTRAINT ck_publicity_items_paid CHECK (paid_on IS NULL OR withdrawn = 0);

-- ---------------------------------------------------------------------------
-- publicity_chain: exactly one row, the head of the hash chain of published
-- files. Publishing locks it first (SELECT ... FOR UPDATE), so two concurrent
-- publishes cannot claim the same predecessor; UNIQUE(prev_sha256) of
-- publicity_batches backs this up in the database.
CREATE TABLE publicity_chain (
    id             TINYINT UNSIGNED NOT NULL,
    head_batch_id  BIGINT UNSIGNED NULL,
    head_sha256    CHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    length         INT      NOT NULL DEFAULT 0,
    updated_at     DATETIME NULL,
    PRIMARY KEY (id),
    CONSTRAINT fk_chain_head FOREIGN KEY (head_batch_id) REFERENCES publicity_batches (id),
    CONSTRAINT ck_chain_one CHECK (id = 1),
    CONSTRAINT ck_chain_head CHECK ((length = 0) = (head_batch_id IS NULL)
                                    AND (head_batch_id IS NULL) = (head_sha256 IS NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='R5 head of the hash chain of published lists';

INSERT INTO publicity_chain (id, head_batch_id, head_sha256, length) VALUES (1, NULL, NULL, 0);
