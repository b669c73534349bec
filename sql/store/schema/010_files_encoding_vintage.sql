-- name: 010_files_encoding_vintage
-- purpose: what the ledger knows of each file's text and release: the
--          encoding it was read as (utf-8, utf-8 (BOM), windows-1252,
--          windows-1252 (BOM)), and the publisher's release it belongs to
--          (BACI's V202401, V202401b), NULL where the file names none or it
--          was loaded before; and the reference tables a release ships
--          beside its trade files: product descriptions keyed by
--          classification and code, and the release's own country codes.
-- parameters: none

ALTER TABLE files ADD COLUMN encoding VARCHAR;
ALTER TABLE files ADD COLUMN vintage VARCHAR;

-- Product descriptions (BACI's product_codes_HS17_V202401.csv): the last
-- file loaded for a classification and code gives its description.
CREATE TABLE product_descriptions (
    classification VARCHAR NOT NULL, -- HS17, HS92 ...
    code           VARCHAR NOT NULL, -- as the file writes it, leading zeros kept
    description    VARCHAR NOT NULL,
    file_id        BIGINT NOT NULL,
    line           BIGINT NOT NULL,
    PRIMARY KEY (classification, code)
);

-- A release's country codes (BACI's country_codes_V202401.csv), as the
-- release gives them, with the country tradepipe reads each code as.
CREATE TABLE release_countries (
    vintage  VARCHAR NOT NULL, -- V202401
    code     VARCHAR NOT NULL, -- the release's numeric code
    name     VARCHAR NOT NULL,
    iso2     VARCHAR NOT NULL,
    iso3     VARCHAR NOT NULL,
    country  VARCHAR NOT NULL, -- tradepipe's code (ISO3 or its own)
    file_id  BIGINT NOT NULL,
    line     BIGINT NOT NULL,
    PRIMARY KEY (vintage, code)
);
