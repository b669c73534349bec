-- name: 004_failure_kind
-- purpose: each failed load records what kind of failure it was (see
--          store.FailureKind: input, locked, disk-full, out-of-memory,
--          cancelled, other), so that whether to try the file again is
--          decided from the kind, never from the error's text. Earlier
--          failures get the kind their text tells, by the words the
--          pipeline used to look for; the rest are other, which, as
--          before, is not tried again until the file's bytes change.
-- parameters: none

ALTER TABLE load_failures ADD COLUMN kind VARCHAR DEFAULT 'other';

UPDATE load_failures SET kind = CASE
    WHEN lower(error) LIKE '%no space left on device%' THEN 'disk-full'
    WHEN lower(error) LIKE '%database % is in use by %' THEN 'locked'
    WHEN lower(error) LIKE '%out of memory%' THEN 'out-of-memory'
    WHEN lower(error) LIKE '%context canceled%' OR lower(error) LIKE '%context deadline exceeded%'
         OR lower(error) LIKE '%interrupt%' THEN 'cancelled'
    ELSE 'other' END;
