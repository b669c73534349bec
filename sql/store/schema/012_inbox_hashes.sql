-- name: 012_inbox_hashes
-- purpose: the pipeline's memory of the inbox: the sha256 of each inbox
--          file (or zip entry) while its size and modification time stay
--          the same, so that a run over an unchanged inbox hashes nothing,
--          in the daemon and in one-off runs alike. Only a cache: the
--          ledger (files) still decides what is loaded.
-- parameters: none

CREATE TABLE inbox_hashes (
    path     VARCHAR NOT NULL,
    entry    VARCHAR NOT NULL,   -- zip entry name, '' for a plain or gzip file
    idx      INTEGER NOT NULL,   -- the zip entry's position (two entries may share a name)
    size     BIGINT NOT NULL,    -- of the file (the zip as a whole for an entry)
    mod_ns   BIGINT NOT NULL,    -- its modification time, Unix nanoseconds
    sha256   VARCHAR NOT NULL,
    PRIMARY KEY (path, entry, idx)
);
