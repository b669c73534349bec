-- name: plain-shares
-- purpose: the baseline of the report target: what an analyst would write
--          instead of tradepipe, a plain DuckDB query over the raw BACI rows
--          (the table native_baci.sql loads) giving, per year, the C5's
--          total trade (exports + imports) and the shares of it with the
--          other members, with China and with Russia. BACI's numeric codes:
--          Kazakhstan 398, Kyrgyzstan 417, Tajikistan 762, Turkmenistan
--          795, Uzbekistan 860, China 156, Russia 643.
-- parameters: none
WITH c5(code) AS (VALUES (398), (417), (762), (795), (860)),
t AS (
    SELECT t, i IN (SELECT code FROM c5) AS xi, j IN (SELECT code FROM c5) AS xj, i, j, v
    FROM baci
)
SELECT t AS year,
       sum(v) FILTER (WHERE xi) + sum(v) FILTER (WHERE xj) AS total,
       100 * 2 * sum(v) FILTER (WHERE xi AND xj) / (sum(v) FILTER (WHERE xi) + sum(v) FILTER (WHERE xj)) AS intra_share_pct,
       100 * (sum(v) FILTER (WHERE xi AND j = 156) + sum(v) FILTER (WHERE xj AND i = 156))
           / (sum(v) FILTER (WHERE xi) + sum(v) FILTER (WHERE xj)) AS china_share_pct,
       100 * (sum(v) FILTER (WHERE xi AND j = 643) + sum(v) FILTER (WHERE xj AND i = 643))
           / (sum(v) FILTER (WHERE xi) + sum(v) FILTER (WHERE xj)) AS russia_share_pct
FROM t WHERE xi OR xj
GROUP BY t ORDER BY t
