-- name: 014_narrow_fx
-- purpose: exchange rates stored narrow, as trade rows are (003): what a
--          file's series share (dataset, file, country, code as in the
--          file, currency, frequency) once in fx_series, and each rate in
--          fx_values as numbers, with its period's text only where it is
--          not the one its year and month give (2019 for an annual rate,
--          2019-03 for a monthly one: NULL then). The view fx_rates joins
--          them back into the eleven columns of the table it replaces, in
--          the same order, so every macro, report and export reads the
--          rates as before. Writing text is most of what writing a row
--          costs DuckDB: 200,000 rates took 148-172 ms to write with six
--          text columns, against 16-23 ms as numbers (docs/performance.md).
--          The rates already kept move across unchanged.
-- parameters: none

-- One row per series of a file.
CREATE TABLE fx_series (
    series_id    INTEGER NOT NULL,
    dataset      VARCHAR NOT NULL,
    file_id      BIGINT NOT NULL,
    country      VARCHAR NOT NULL,
    country_code VARCHAR NOT NULL,
    currency     VARCHAR NOT NULL,
    freq         VARCHAR NOT NULL
);

-- One row per rate.
CREATE TABLE fx_values (
    series_id INTEGER NOT NULL,   -- fx_series
    line      BIGINT NOT NULL,
    year      INTEGER NOT NULL,
    month     INTEGER NOT NULL,
    period    VARCHAR,            -- NULL: the period its year and month give (fx_rates)
    per_usd   DOUBLE NOT NULL
);

INSERT INTO fx_series
SELECT row_number() OVER (ORDER BY file_id, country, country_code, currency, freq), *
FROM (SELECT DISTINCT dataset, file_id, country, country_code, currency, freq FROM fx_rates);

INSERT INTO fx_values
SELECT s.series_id, f.line, f.year, f.month,
       CASE WHEN f.period = CASE WHEN f.freq = 'A' AND f.month = 0 THEN f.year::VARCHAR
                                 WHEN f.freq = 'M' THEN printf('%d-%02d', f.year, f.month) END
            THEN NULL ELSE f.period END,
       f.per_usd
FROM fx_rates f
JOIN fx_series s USING (dataset, file_id, country, country_code, currency, freq)
ORDER BY s.series_id, f.line;

DROP TABLE fx_rates;

CREATE VIEW fx_rates AS
SELECT s.dataset, s.file_id, v.line, s.country, s.country_code, s.currency, s.freq, v.year, v.month,
       coalesce(v.period, CASE s.freq WHEN 'A' THEN v.year::VARCHAR ELSE printf('%d-%02d', v.year, v.month) END) AS period,
       v.per_usd
FROM fx_values v
JOIN fx_series s USING (series_id);
