#!/usr/bin/env python3
"""Write the fixtures of coverage_test.go (sql/report): one folder per case
of issue 12, each file in a real download's layout (UN Comtrade+ API CSV,
WITS partner timeseries, tradepipe long), with the quirks of the real files:
Comtrade+'s quoted fields, trailing comma and CRLF lines, its aggrLevel and
isLeaf, its typeCode S and EBOPS codes for services; WITS's BOM, quoted
names and US$ thousand.

The values are illustrative: round numbers chosen so that every figure the
tests expect can be worked out by hand. Run from this folder:

    python3 make_cases.py
"""

import csv
import io
import os

HEADER = ("typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,"
          "flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,"
          "classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,"
          "mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,"
          "isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,"
          "legacyEstimationFlag,isReported,isAggregate").split(",")

# ISO3 -> (Comtrade code, description)
CODES = {"WLD": (0, "World"), "KAZ": (398, "Kazakhstan"), "KGZ": (417, "Kyrgyzstan"), "TJK": (762, "Tajikistan"),
         "TKM": (795, "Turkmenistan"), "UZB": (860, "Uzbekistan"), "CHN": (156, "China"),
         "RUS": (643, "Russian Federation"), "DEU": (276, "Germany"), "THA": (764, "Thailand"),
         "JPN": (392, "Japan"), "USA": (842, "USA"), "MYS": (458, "Malaysia"), "SGP": (702, "Singapore")}
M = 1_000_000


def comtrade_row(rep, partner, flow, value, year=2019, cls="H5", cmd="TOTAL", level=0, leaf=False, type_code="C",
                 cmd_desc="All Commodities"):
    rc, rd = CODES[rep]
    pc, pd = CODES[partner]
    piso = "W00" if partner == "WLD" else partner
    cif, fob = (value, "") if flow == "M" else ("", value)
    f = [type_code, "A", f"{year}0101", year, 52, year, rc, rep, rd, flow, "Import" if flow == "M" else "Export",
         pc, piso, pd, 0, "W00", "World", cls, "EB" if cls.startswith("EB") else ("HS" if cls.startswith("H") else "SITC"),
         "true", cmd, cmd_desc, level, "true" if leaf else "false", "C00", "TOTAL CPC", 0, 0, "TOTAL MOT", -1, "N/A",
         "", "false", -1, "N/A", "", "false", "", "false", "", "false", cif, fob, value, 0, "true", "false"]
    return f


def write_comtrade(path, rows):
    """Every non-empty field quoted, empty fields bare, a trailing comma,
    CRLF line ends, the header unquoted: as the Comtrade+ API writes it."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER) + "\r\n")
        for r in rows:
            f.write(",".join('"%s"' % x if x != "" else "" for x in map(str, r)) + ",\r\n")


def write_long(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["year", "month", "reporter", "partner", "flow", "product", "value", "currency"])
        w.writerows(rows)


def reporter_rows(rep, flows):
    """A reporter's World rows and partner rows: flows maps X/M to
    {partner: millions}; the World row is their sum, so the partner rows
    are the whole breakdown."""
    rows = []
    for flow, parts in flows.items():
        rows.append(comtrade_row(rep, "WLD", flow, sum(parts.values()) * M))
        for p, v in parts.items():
            rows.append(comtrade_row(rep, p, flow, v * M))
    return rows


def case1(d):
    """Turkmenistan mirrored from six reporters."""
    world = {
        "KAZ": {"X": {"KGZ": 10, "TJK": 5, "TKM": 4, "UZB": 20, "CHN": 60, "RUS": 50, "DEU": 51},
                "M": {"KGZ": 6, "TJK": 2, "TKM": 3, "UZB": 10, "CHN": 40, "RUS": 70, "DEU": 69}},
        "KGZ": {"X": {"KAZ": 6, "TJK": 1, "TKM": 1, "UZB": 2, "CHN": 5, "RUS": 10, "DEU": 5},
                "M": {"KAZ": 10, "TJK": 1, "TKM": 1, "UZB": 3, "CHN": 20, "RUS": 15, "DEU": 10}},
        "TJK": {"X": {"KAZ": 2, "KGZ": 1, "TKM": 1, "UZB": 1, "CHN": 2, "RUS": 2, "DEU": 1},
                "M": {"KAZ": 5, "KGZ": 1, "TKM": 2, "UZB": 2, "CHN": 6, "RUS": 8, "DEU": 6}},
        "UZB": {"X": {"KAZ": 10, "KGZ": 3, "TJK": 2, "TKM": 2, "CHN": 15, "RUS": 12, "DEU": 6},
                "M": {"KAZ": 20, "KGZ": 2, "TJK": 1, "TKM": 3, "CHN": 25, "RUS": 20, "DEU": 9}},
        "CHN": {"X": {"KAZ": 40, "KGZ": 20, "TJK": 6, "TKM": 5, "UZB": 25, "RUS": 500, "DEU": 904},
                "M": {"KAZ": 60, "KGZ": 5, "TJK": 2, "TKM": 50, "UZB": 15, "RUS": 400, "DEU": 468}},
        "RUS": {"X": {"KAZ": 70, "KGZ": 15, "TJK": 8, "TKM": 4, "UZB": 20, "CHN": 400, "DEU": 483},
                "M": {"KAZ": 50, "KGZ": 10, "TJK": 2, "TKM": 2, "UZB": 12, "CHN": 500, "DEU": 424}},
    }
    rows = []
    for rep, flows in world.items():
        rows += reporter_rows(rep, flows)
    write_comtrade(os.path.join(d, "c5_and_partners_2019.csv"), rows)
    # Turkmenistan as the IMF gives it (illustrative), its partner rows the
    # whole breakdown.
    tkm = {"X": {"KAZ": 3, "KGZ": 1, "TJK": 2, "UZB": 3, "CHN": 45, "RUS": 2, "DEU": 4},
           "M": {"KAZ": 4, "KGZ": 1, "TJK": 1, "UZB": 2, "CHN": 5, "RUS": 4, "DEU": 3}}
    long = []
    for flow, parts in tkm.items():
        long.append([2019, "", "TKM", "WLD", flow, "TOTAL", sum(parts.values()) * M, "USD"])
        for p, v in parts.items():
            long.append([2019, "", "TKM", p, flow, "TOTAL", v * M, "USD"])
    write_long(os.path.join(d, "tkm_imf_2019.csv"), long)


def case2(d):
    """Kazakhstan's file lists World and China only; Thailand appears as a
    partner of Kazakhstan's imports, so ASEAN has a mirror of its own."""
    rows = [comtrade_row("KAZ", "WLD", "X", 58000 * M), comtrade_row("KAZ", "CHN", "X", 8000 * M),
            comtrade_row("KAZ", "WLD", "M", 39700 * M), comtrade_row("KAZ", "CHN", "M", 6800 * M),
            comtrade_row("KAZ", "THA", "M", 100 * M)]
    write_comtrade(os.path.join(d, "kaz_world_and_china_2019.csv"), rows)


def case3(d):
    """Kazakhstan's 2019 rows under H5 and again under S4; and a WITS
    partner timeseries of its imports in the same dataset."""
    rows = []
    for cls, scale in (("H5", 1.0), ("S4", 0.98)):
        for flow, parts in {"X": {"CHN": 20, "RUS": 30, "DEU": 50}, "M": {"CHN": 30, "RUS": 50, "DEU": 20}}.items():
            rows.append(comtrade_row("KAZ", "WLD", flow, round(sum(parts.values()) * scale * M), cls=cls))
            for p, v in parts.items():
                rows.append(comtrade_row("KAZ", p, flow, round(v * scale * M), cls=cls))
    write_comtrade(os.path.join(d, "kaz_h5_and_s4_2019.csv"), rows)
    b = io.StringIO()
    w = csv.writer(b, lineterminator="\r\n")
    w.writerow(["Reporter Name", "Partner Name", "Trade Flow", "Product Group", "Indicator", "2019"])
    for p, v in (("China", 31000), ("Russian Federation", 49000), ("Germany", 21000)):
        w.writerow(["Kazakhstan", p, "Import", "  All Products", "Import (US$ Thousand)", v])
    with open(os.path.join(d, "kazakhstan_wits_imports_2019.csv"), "w", encoding="utf-8-sig", newline="") as f:
        f.write(b.getvalue().rstrip("\r\n"))


def case4(d):
    """HS 27, 2709 and 270900 side by side, with no TOTAL row."""
    rows = [
        comtrade_row("KAZ", "WLD", "X", 40000 * M, cmd="27", level=2, cmd_desc="Mineral fuels"),
        comtrade_row("KAZ", "WLD", "X", 35000 * M, cmd="2709", level=4, cmd_desc="Petroleum oils, crude"),
        comtrade_row("KAZ", "WLD", "X", 25000 * M, cmd="270900", level=6, leaf=True, cmd_desc="Petroleum oils, crude"),
        comtrade_row("KAZ", "CHN", "X", 8000 * M, cmd="27", level=2, cmd_desc="Mineral fuels"),
        comtrade_row("KAZ", "CHN", "X", 7000 * M, cmd="2709", level=4, cmd_desc="Petroleum oils, crude"),
    ]
    write_comtrade(os.path.join(d, "kaz_hs27_levels_2019.csv"), rows)


def case5(d):
    """A national office's file of January to March."""
    rows = []
    for m in (1, 2, 3):
        rows += [[2019, m, "KGZ", "WLD", "X", "TOTAL", 150 * M, "USD"], [2019, m, "KGZ", "KAZ", "X", "TOTAL", 20 * M, "USD"],
                 [2019, m, "KGZ", "WLD", "M", "TOTAL", 400 * M, "USD"], [2019, m, "KGZ", "CHN", "M", "TOTAL", 150 * M, "USD"]]
    write_long(os.path.join(d, "kgz_jan_mar_2019.csv"), rows)


def case6(d):
    """Thailand's goods by partner, and a services download beside them
    with a partner (the USA) that has no goods row."""
    goods = {"CHN": 30, "SGP": 25, "JPN": 20, "MYS": 15, "DEU": 10}
    rows = [comtrade_row("THA", "WLD", "X", sum(goods.values()) * 1000 * M)]
    rows += [comtrade_row("THA", p, "X", v * 1000 * M) for p, v in goods.items()]
    write_comtrade(os.path.join(d, "tha_goods_2019.csv"), rows)
    services = [comtrade_row("THA", "USA", "X", 90000 * M, cls="EB10S", cmd="S", level=1, type_code="S",
                             cmd_desc="Total EBOPS Services"),
                comtrade_row("THA", "WLD", "X", 200000 * M, cls="EB10", cmd="200", level=3, type_code="S",
                             cmd_desc="Total EBOPS 2010 Services")]
    write_comtrade(os.path.join(d, "tha_services_2019.csv"), services)


def case7(d):
    """Kazakhstan with World and China rows, China's report of its trade
    with Kazakhstan, and Turkmenistan only in others' reports."""
    rows = [comtrade_row("KAZ", "WLD", "X", 1000 * M), comtrade_row("KAZ", "CHN", "X", 100 * M),
            comtrade_row("KAZ", "TKM", "X", 10 * M),
            comtrade_row("KAZ", "WLD", "M", 800 * M), comtrade_row("KAZ", "CHN", "M", 212 * M),
            comtrade_row("CHN", "WLD", "X", 20000 * M), comtrade_row("CHN", "KAZ", "X", 200 * M),
            comtrade_row("CHN", "TKM", "X", 30 * M),
            comtrade_row("CHN", "WLD", "M", 18000 * M), comtrade_row("CHN", "KAZ", "M", 106 * M),
            comtrade_row("CHN", "TKM", "M", 53 * M)]
    write_comtrade(os.path.join(d, "kaz_and_chn_2019.csv"), rows)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for name, f in (("1_mirror", case1), ("2_partner_missing", case2), ("3_classifications", case3),
                    ("4_levels", case4), ("5_part_year", case5), ("6_services", case6), ("7_flow_bases", case7)):
        d = os.path.join(here, name)
        os.makedirs(d, exist_ok=True)
        f(d)


if __name__ == "__main__":
    main()
