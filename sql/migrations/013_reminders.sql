-- 013_reminders.sql - issue 16: reminders and the in-app inbox.
--
--   * notifications: a message may be for the in-app inbox only (channel
--     'inbox': an account without a mobile, such as the demo's ready
--     accounts, is written there already delivered); its link (the page
--     where the action is); when its reader read it (read_at).
--   * reminders: the once-only key of every reminder the sweeper computed
--     (`voucherctl sweep`): one row per subject + kind + threshold (a
--     deadline warning) or + event (the message of an order event), so a
--     message is never sent twice whoever runs the sweeper and how often.
--   * reminder_cursor: how far the sweeper has read order_events (the
--     messages of an order's events: new order, accepted, declined, claim
--     decided or returned, publicity started, paid). It starts at the last
--     event so far: history is not announced.
--
-- Applied by sql/migrate.sh, exactly once. Never edit it once applied.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

ALTER TABLE notifications
    MODIFY COLUMN channel ENUM('sms','inbox') NOT NULL DEFAULT 'sms',
    ADD COLUMN link    VARCHAR(200) NULL AFTER payload,
    ADD COLUMN read_at DATETIME     NULL AFTER sent_at,
    ADD KEY ix_notifications_unread (account_id, read_at);

CREATE TABLE reminders (
    subject     ENUM('order') NOT NULL,
    subject_id  BIGINT UNSIGNED NOT NULL,
    kind        VARCHAR(32)  NOT NULL,                 -- notifications.kind
    threshold   INT          NOT NULL,                 -- seconds before the deadline; 0: an event
    event_id    BIGINT UNSIGNED NOT NULL DEFAULT 0,    -- order_events.id; 0: a deadline warning
    created_at  DATETIME     NOT NULL,
    PRIMARY KEY (subject, subject_id, kind, threshold, event_id),
    CONSTRAINT ck_reminders_threshold CHECK (threshold >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='once-only keys of the computed reminders';

CREATE TABLE reminder_cursor (
    name        VARCHAR(32)  NOT NULL,
    last_id     BIGINT UNSIGNED NOT NULL,
    updated_at  DATETIME     NULL,
    PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='how far the sweeper has read the events it announces';

INSERT INTO reminder_cursor (name, last_id, updated_at)
SELECT 'order_events', COALESCE(MAX(id), 0), NULL FROM order_events;
