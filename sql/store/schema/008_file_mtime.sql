-- name: 008_file_mtime
-- purpose: a loaded file's identity is the bytes that were loaded: their
--          size, their sha256 and the file's modification time when it
--          was read (for a zip entry, the archive's). A file that changes
--          while it is read fails and is read again at the next run, so
--          the three always describe the same bytes. Files loaded before
--          have no recorded time (NULL).
-- parameters: none

ALTER TABLE files ADD COLUMN mtime TIMESTAMPTZ;
