-- name: 002_groups
-- purpose: the seeded regional groups and their membership dates, from
--          METRICS.md (correct them here, not in code). valid_to is the last
--          day of membership; NULL means still a member.
-- parameters: none

DELETE FROM group_membership WHERE source = 'seed';
INSERT INTO group_membership (group_name, country, valid_from, valid_to, source) VALUES
    -- Central Asia five: METRICS.md dates the grouping from 1993 and gives no end.
    ('C5', 'KAZ', DATE '1993-01-01', NULL, 'seed'),
    ('C5', 'KGZ', DATE '1993-01-01', NULL, 'seed'),
    ('C5', 'TJK', DATE '1993-01-01', NULL, 'seed'),
    ('C5', 'TKM', DATE '1993-01-01', NULL, 'seed'),
    ('C5', 'UZB', DATE '1993-01-01', NULL, 'seed'),
    -- ASEAN
    ('ASEAN', 'IDN', DATE '1967-08-08', NULL, 'seed'),
    ('ASEAN', 'MYS', DATE '1967-08-08', NULL, 'seed'),
    ('ASEAN', 'PHL', DATE '1967-08-08', NULL, 'seed'),
    ('ASEAN', 'SGP', DATE '1967-08-08', NULL, 'seed'),
    ('ASEAN', 'THA', DATE '1967-08-08', NULL, 'seed'),
    ('ASEAN', 'BRN', DATE '1984-01-07', NULL, 'seed'),
    ('ASEAN', 'VNM', DATE '1995-07-28', NULL, 'seed'),
    ('ASEAN', 'LAO', DATE '1997-07-23', NULL, 'seed'),
    ('ASEAN', 'MMR', DATE '1997-07-23', NULL, 'seed'),
    ('ASEAN', 'KHM', DATE '1999-04-30', NULL, 'seed'),
    ('ASEAN', 'TLS', DATE '2025-10-26', NULL, 'seed'),
    -- Eurasian Economic Union
    ('EAEU', 'RUS', DATE '2015-01-01', NULL, 'seed'),
    ('EAEU', 'BLR', DATE '2015-01-01', NULL, 'seed'),
    ('EAEU', 'KAZ', DATE '2015-01-01', NULL, 'seed'),
    ('EAEU', 'ARM', DATE '2015-01-02', NULL, 'seed'),
    ('EAEU', 'KGZ', DATE '2015-08-06', NULL, 'seed'),
    -- Customs union of Russia, Belarus and Kazakhstan (the EAEU's customs union from 2015)
    ('CU2010', 'RUS', DATE '2010-01-01', NULL, 'seed'),
    ('CU2010', 'BLR', DATE '2010-01-01', NULL, 'seed'),
    ('CU2010', 'KAZ', DATE '2010-01-01', NULL, 'seed'),
    -- Shanghai Cooperation Organisation
    ('SCO', 'CHN', DATE '2001-06-15', NULL, 'seed'),
    ('SCO', 'KAZ', DATE '2001-06-15', NULL, 'seed'),
    ('SCO', 'KGZ', DATE '2001-06-15', NULL, 'seed'),
    ('SCO', 'RUS', DATE '2001-06-15', NULL, 'seed'),
    ('SCO', 'TJK', DATE '2001-06-15', NULL, 'seed'),
    ('SCO', 'UZB', DATE '2001-06-15', NULL, 'seed'),
    ('SCO', 'IND', DATE '2017-06-09', NULL, 'seed'),
    ('SCO', 'PAK', DATE '2017-06-09', NULL, 'seed'),
    ('SCO', 'IRN', DATE '2023-07-04', NULL, 'seed'),
    ('SCO', 'BLR', DATE '2024-07-04', NULL, 'seed'),
    -- Collective Security Treaty Organization (organisation from 2002-10-07)
    ('CSTO', 'ARM', DATE '2002-10-07', NULL, 'seed'),
    ('CSTO', 'BLR', DATE '2002-10-07', NULL, 'seed'),
    ('CSTO', 'KAZ', DATE '2002-10-07', NULL, 'seed'),
    ('CSTO', 'KGZ', DATE '2002-10-07', NULL, 'seed'),
    ('CSTO', 'RUS', DATE '2002-10-07', NULL, 'seed'),
    ('CSTO', 'TJK', DATE '2002-10-07', NULL, 'seed'),
    ('CSTO', 'UZB', DATE '2006-08-16', DATE '2012-06-28', 'seed');
