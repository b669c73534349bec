// Package country is the country-code reference table: every code and
// name a trade or exchange-rate file uses for a country, an area or an
// aggregate, mapped to one entity, with its kind and its currency today.
// It is a leaf (standard library only): package ingest resolves codes
// through it while reading, and the store loads it into the database.
//
// Every reader maps the codes and names it meets to one entity of this table,
// keyed by ISO 3166-1 alpha-3 (ISO 3166-3 alpha-3 for former countries) or by
// a tradepipe code for what is not a country. The table is built from four
// seed files in seed/, embedded in the binary and also meant to be loaded
// into the database as they are:
//
//   - iso3166.csv (code,alpha2,numeric,name,kind,currency) and
//     iso3166_names.csv (code,name,source) are GENERATED from Debian's
//     iso-codes package and seed/currencies.csv (country,currency, the one
//     hand-kept table: each current country's ISO 4217 currency today). To
//     regenerate after editing currencies.csv or upgrading iso-codes:
//
//     apt-get install -y iso-codes   # if /usr/share/iso-codes/json is missing
//     cd transform/country && go generate   # runs ./internal/genseed
//
//   - specials.csv (code,name,kind,currency), hand-kept: every entity that is
//     not in ISO 3166: World, the areas-nes and special partners, Kosovo, the
//     World Bank aggregates, the IMF aggregates and currency unions.
//
//   - aliases.csv (scheme,code,country,note), hand-kept: every code or name
//     that the derived rows below do not already give, one row each.
//
// # Derived rows
//
// Each entity of iso3166.csv is found under Alpha3 by its code, under Alpha2
// by its alpha-2 code, under Numeric and Comtrade by its numeric code (M49 is
// ISO numeric for countries) and under Name by its name; iso3166_names.csv
// adds ISO's official and common names. Each entity of specials.csv is found
// under Alpha3 by its code and under Name by its name. Two derived rows that
// disagree are an error.
//
// aliases.csv wins over a derived row with the same scheme and code. This
// happens on purpose in a few places (Comtrade 492 is "Europe EU, nes", not
// Monaco; WITS' "East Timor" is Timor-Leste, not ISO 3166-3's former TMP);
// countries_test.go lists them, so a new override has to be added there.
// Two alias rows for one scheme and code are an error.
//
// # Tradepipe codes
//
//   - WLD World (kind world); XNS areas nes, S19 Other Asia nes (Comtrade 490,
//     Taiwan in practice; kept apart from TWN, which Comtrade does not use),
//     and the Comtrade regional nes areas under Comtrade+'s ISO-like codes
//     (F19 Other Africa nes, E19 Other Europe nes, ...; XAC, XLA, XEU where no
//     such code is known) (kind nes); XBK bunkers, XFZ free zones, XSC
//     special categories (kind special).
//   - XKX Kosovo (kind country, the World Bank's code).
//   - World Bank aggregates keep their World Bank code (EAS, ECS, HIC, ...):
//     none clashes with an ISO 3166-1 or 3166-3 alpha-3 code, and a test keeps
//     it so. CHI Channel Islands is an aggregate too (Jersey plus Guernsey,
//     both in ISO), so that it is never counted beside JEY and GGY.
//   - IMF aggregates, currency unions and unallocated areas get IMF_<code> where
//     the IMF has a code (IMF_5X CEMAC, IMF_5Y ECCU, IMF_7A WAEMU, IMF_R1
//     Benelux, IMF_1C_355 Curaçao and Sint Maarten, IMF_XDR) and IMF_<mnemonic>
//     for the DOTS groups (IMF_ADV Advanced Economies, IMF_ASIA_NS Asia not
//     specified, ...). The underscore keeps them clear of ISO codes. Where the
//     IMF group is the World Bank's group (World, Euro area, European Union,
//     Sub-Saharan Africa), the World Bank entity is used.
//
// Former countries whose successor kept the ISO code map to the successor,
// as is usual: Comtrade 280 Fed. Rep. of Germany -> DEU, 886 and IMF 1C_473
// Yemen Arab Republic -> YEM, 868 Rep. of Vietnam -> VNM, 736 Sudan (...2011)
// -> SDN, 58 Belgium-Luxembourg -> BEL, 711 Southern African Customs Union ->
// ZAF. The others keep their ISO 3166-3 entity: 810 USSR SUN, 200 CSK, 278
// DDR, 720 and IMF 1C_459 YMD, 890 YUG, 891 SCG, 530 ANT, 866 VDR.
//
// A currency is the ISO 4217 code in use today; former countries have none;
// an aggregate has one only when all its members share it (EMU EUR, IMF_5X
// XAF, CHI GBP).
package country
