-- 005_orders_guide.sql - where ordering still disagreed with the guide
-- (issue #11, points 1, 3 and 10). Rule ids refer to shared/SPEC.md.
--
--   * orders.reserved_at_order: the reservation an order took when it was
--     placed (O3). A contract's subsidy is at most this (O9); a contract
--     below it releases the rest at once, and a corrected contract may
--     take it back, re-reserved with the guarded UPDATE of the quota row
--     (occupied + x <= cap) - never more than the order's unit subsidy.
--     Orders inserted without it (older writers, the demo data) default
--     to their reservation at insert time. Orders already contracted take
--     the reservation their creation's audit record names, when it does.
--   * enterprise_quota: a cap lowered by a tier change applies to new
--     orders only (E8): existing orders keep their reservations, so
--     occupied may now exceed cap. New reservations stay guarded by
--     occupied + x <= cap (O3); available = max(0, cap - occupied).
--   * orders.contact_name / contact_mobile: the enterprise's contact for
--     this order (guide attachment 2-3, 三: 服务商将及时与您（企业）所填
--     联系人取得联系), shown to the order's provider and the enterprise
--     only; never to the read-only user (grants.sql), never in audit
--     records, exports or publicity. Both or neither; a mainland mobile
--     number (11 digits, 1[3-9]...).
--   * enterprise_contacts: the last contact an enterprise ordered with,
--     the default of its next order (owned by the ordering program).
--
-- Applied by sql/migrate.sh, exactly once; never edit it once applied.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

ALTER TABLE orders
    ADD COLUMN reserved_at_order BIGINT NOT NULL DEFAULT (reserved) AFTER reserved,
    ADD COLUMN contact_name VARCHAR(50) NULL AFTER status_reason,
    ADD COLUMN contact_mobile CHAR(11) CHARACTER SET ascii COLLATE ascii_bin NULL AFTER contact_name;

UPDATE orders o
    JOIN audit_log a ON a.entity = 'order' AND a.entity_id = o.id AND a.action = 'order.create'
    SET o.reserved_at_order = LEAST(o.unit_subsidy, GREATEST(o.reserved,
        CAST(JSON_VALUE(a.after_json, '$.reserved') AS SIGNED)))
    WHERE o.contracted_at IS NOT NULL
      AND JSON_VALUE(a.after_json, '$.reserved') IS NOT NULL;

ALTER TABLE orders
    -- O3/O9: an order never holds more than it took when placed
    ADD CONSTRAINT ck_orders_reserved_at_order CHECK (
        reserved_at_order <= unit_subsidy AND reserved <= reserved_at_order),
    ADD CONSTRAINT ck_orders_contact CHECK (
        (contact_name IS NULL) = (contact_mobile IS NULL)
        AND (contact_mobile IS NULL OR contact_mobile REGEXP '^1[3-9][0-9]{9}$'));

-- E8: the cap may be lowered below what existing orders hold.
ALTER TABLE enterprise_quota
    DROP CONSTRAINT ck_quota_occupied,
    ADD CONSTRAINT ck_quota_occupied CHECK (occupied >= 0);

CREATE TABLE enterprise_contacts (
    enterprise_id   BIGINT UNSIGNED NOT NULL,
    contact_name    VARCHAR(50)  NOT NULL,
    contact_mobile  CHAR(11) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    updated_at      DATETIME     NOT NULL,
    PRIMARY KEY (enterprise_id),
    CONSTRAINT fk_enterprise_contacts_enterprise FOREIGN KEY (enterprise_id) REFERENCES enterprises (id),
    CONSTRAINT ck_enterprise_contacts_mobile CHECK (contact_mobile REGEXP '^1[3-9][0-9]{9}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='the last order contact of each enterprise (the default of its next order)';
