// Package transform owns what lies between the rows the readers load and
// the figures the reports show: the reference data beyond the country
// table (package transform/country), and the set-wise transforms, as SQL.
//
// The reference data is the seeded groups and their membership dates
// (seed/groups.csv, SeededGroups), with the rules every group obeys, the
// config's included (CheckGroupName, MemberCountry, CheckGroup), and world
// merchandise trade by year (seed/world_trade.csv, WorldTrade), the
// yardstick of a mirror's coverage. The store syncs each seed into every
// database it opens when the file changed.
//
// The transforms are DuckDB table macros, one .sql file a concept, in the
// order the data flows (SQL returns them so, and the store creates them on
// every connection it hands to reports and exports):
//
//	usd.sql         tp_rates, tp_usd, tp_unconverted: values in US dollars
//	totals.sql      tp_bilateral, tp_totals: one total per reporter,
//	                partner, flow and year, as the store keeps them
//	membership.sql  tp_members: who is in which group in which year
//	mirror.sql      tp_own_totals, tp_own: each reporter's own totals (the
//	                store keeps them in trade_own); tp_reporter_view:
//	                members' own reports, mirror-filled
//	flows.sql       tp_flows, tp_flow_view (tp_table_view for a flow
//	                table, tp_pairs_view for the others): ordered pairs
//	                under a basis
//	view.sql        tp_view: the member view every report reads, over
//	                tp_view_rows, which a report narrows to its basis's
//	                branch (ViewFor)
//	coverage.sql    tp_coverage: each member's figures by flow, where they
//	                come from and how complete they are; tp_shown
//	metrics.sql     tp_member_year, tp_country_totals, tp_world (each
//	                country's totals, kept in trade_world), tp_group_year:
//	                the figures
//
// The macros a report reads take its first and last year (yfrom, yto,
// named, NULL for no bound) and pass them to their first steps, so a
// one-year report reads one year.
//
// Each file says what its macros take and give; testdata/<concept>/ holds
// its fixtures (input rows, a query, the output worked out by hand), which
// package transform/sqltest runs on DuckDB. The formulas are those of
// docs/metrics.md.
package transform
