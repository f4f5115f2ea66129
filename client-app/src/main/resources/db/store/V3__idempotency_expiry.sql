-- Answers to idempotency keys are kept 24 hours (MemberStore.ANSWER_KEPT_MS); the gateway deletes
-- older ones periodically, by this index.
CREATE INDEX idempotency_created ON idempotency (created_at);
