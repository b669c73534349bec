#!/usr/bin/env python3
"""Regenerate the bundled sample data in testdata/sample/.

Usage:
    python3 testdata/sample/make_sample.py DOTS_DIR [--wdi WDI_CSV] [--out DIR]

DOTS_DIR holds the IMF Direction of Trade Statistics workbooks DOTS_<n>.xlsx
(one per reporter, exported from data.imf.org; see README.md for the list).
WDI_CSV is the World Bank bulk download API_PA.NUS.FCRF_DS2_en_csv_v2_*.csv;
without --wdi, fx_wdi_sample.csv is left as it is.
--out defaults to the folder this script lives in.

Only the Python 3 standard library is used (zipfile + xml.etree read the
xlsx). The files written are small aggregated derivations or illustrative
values typed in below; no downloaded file is copied. See README.md.
"""

import argparse
import csv
import os
import re
import sys
import zipfile
import xml.etree.ElementTree as ET
from decimal import Decimal, ROUND_HALF_UP

# ---------------------------------------------------------------------------
# Reading the DOTS workbooks
# ---------------------------------------------------------------------------

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_FLOW = {"Exports, FOB": "X", "Imports, CIF": "M"}
YEAR_HEADER_ROW = 7  # 1-based; years stored as text
FIRST_DATA_ROW = 8   # a duplicate "Australia" row, then "World"
PARTNER_COL = 2      # column B


def _col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _read_xlsx(path):
    """Return {sheet name: {row number: {column number: text}}}."""
    with zipfile.ZipFile(path) as z:
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter("{%s}si" % NS_MAIN):
                shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS_MAIN)))
        sheets = {}
        for sh in wb.iter("{%s}sheet" % NS_MAIN):
            target = targets[sh.get("{%s}id" % NS_REL)].lstrip("/")
            if not target.startswith("xl/"):
                target = "xl/" + target
            rows = {}
            for row in ET.fromstring(z.read(target)).iter("{%s}row" % NS_MAIN):
                cells = {}
                for c in row.iter("{%s}c" % NS_MAIN):
                    kind = c.get("t")
                    if kind == "inlineStr":
                        val = "".join(t.text or "" for t in c.iter("{%s}t" % NS_MAIN))
                    else:
                        v = c.find("{%s}v" % NS_MAIN)
                        if v is None or v.text is None:
                            continue
                        val = shared[int(v.text)] if kind == "s" else v.text
                    cells[_col_index(c.get("r"))] = val
                rows[int(row.get("r"))] = cells
            sheets[sh.get("name")] = rows
    return sheets


def _dots_number(text):
    """DOTS cell text -> Decimal (USD millions), or None when empty.

    Estimated values are strings with an " e" suffix, and some of them carry
    thousands separators ("1,191.26 e")."""
    s = text.strip()
    if s.endswith(" e"):
        s = s[:-2].strip()
    s = s.replace(",", "")
    if s == "":
        return None
    return Decimal(s)


def read_dots(path):
    """Return (reporter name, {(flow, partner name, year): Decimal millions})."""
    sheets = _read_xlsx(path)
    reporter = None
    out = {}
    for sheet, flow in SHEET_FLOW.items():
        rows = sheets[sheet]
        reporter = rows.get(4, {}).get(PARTNER_COL, reporter)
        years = {col: int(txt.strip().strip("'")) for col, txt in rows[YEAR_HEADER_ROW].items()
                 if col > PARTNER_COL and txt.strip().strip("'").isdigit()}
        seen = set()
        for r in sorted(rows):
            if r < FIRST_DATA_ROW:
                continue
            name = rows[r].get(PARTNER_COL)
            if name is None:
                continue
            name = name.strip()
            if name in seen:  # the duplicate Australia row (first data row)
                continue
            seen.add(name)
            for col, year in years.items():
                txt = rows[r].get(col)
                if txt is None:
                    continue
                val = _dots_number(txt)
                if val is not None:
                    out[(flow, name, year)] = val
    return reporter, out


def usd_thousands_rounded(millions):
    """USD millions -> whole USD, rounded to the nearest thousand USD."""
    return int(millions.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP) * 1000000)


# ---------------------------------------------------------------------------
# Country tables
# ---------------------------------------------------------------------------

# ISO3 -> (DOTS partner/reporter name, DOTS file number, Comtrade code, Comtrade desc)
COUNTRIES = {
    "KAZ": ("Kazakhstan, Rep. of", 103, 398, "Kazakhstan"),
    "KGZ": ("Kyrgyz Rep.", 109, 417, "Kyrgyzstan"),
    "TJK": ("Tajikistan, Rep. of", 192, 762, "Tajikistan"),
    "TKM": ("Turkmenistan", 201, 795, "Turkmenistan"),
    "UZB": ("Uzbekistan, Rep. of", 210, 860, "Uzbekistan"),
    "CHN": ("China, P.R.: Mainland", 40, 156, "China"),
    "RUS": ("Russian Federation", 162, 643, "Russian Federation"),
    "BRN": ("Brunei Darussalam", 29, 96, "Brunei Darussalam"),
    "KHM": ("Cambodia", 34, 116, "Cambodia"),
    "IDN": ("Indonesia", 94, 360, "Indonesia"),
    "LAO": ("Lao People's Dem. Rep.", 110, 418, "Lao People's Dem. Rep."),
    "MYS": ("Malaysia", 120, 458, "Malaysia"),
    "MMR": ("Myanmar", 135, 104, "Myanmar"),
    "PHL": ("Philippines", 157, 608, "Philippines"),
    "SGP": ("Singapore", 173, 702, "Singapore"),
    "THA": ("Thailand", 194, 764, "Thailand"),
    "VNM": ("Vietnam", 213, 704, "Viet Nam"),
    # other big partners of the C5 (partners only); Comtrade codes differ
    # from ISO 3166 numeric for Italy (381, ISO 380) and the USA (842, ISO 840)
    "TUR": ("Turkey", None, 792, "T\u00fcrkiye"),
    "DEU": ("Germany", None, 276, "Germany"),
    "KOR": ("Korea, Rep. of", None, 410, "Rep. of Korea"),
    "ITA": ("Italy", None, 381, "Italy"),
    "USA": ("United States", None, 842, "USA"),
}
WORLD_DOTS = "World"

C5 = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
ASEAN = ["BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"]
COMTRADE_REPORTERS = ["KAZ", "KGZ", "TJK", "UZB", "CHN", "RUS"]  # not TKM: it does not report
C5_OTHER_PARTNERS = ["TUR", "DEU", "KOR", "ITA", "USA"]
COMTRADE_YEARS = [2017, 2018, 2019, 2020]
ASEAN_YEARS = [1996, 1999, 2017, 2018, 2019, 2020]

# ---------------------------------------------------------------------------
# 1. Comtrade+ CSV
# ---------------------------------------------------------------------------

COMTRADE_PLUS_HEADER = (
    "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,"
    "reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,"
    "partner2ISO,partner2Desc,classificationCode,classificationSearchCode,"
    "isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,"
    "mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,"
    "altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,"
    "isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,legacyEstimationFlag,isReported,"
    "isAggregate"
).split(",")

CMD_DESC = {
    "TOTAL": "All Commodities",
    "27": "Mineral fuels, mineral oils and products of their distillation; "
          "bituminous substances; mineral waxes",
}

# Illustrative only: invented shares of KAZ TOTAL exports used for the HS
# chapter 27 rows (they exist to prove that only TOTAL rows are counted).
KAZ_CH27_SHARE = {
    "W00": {2017: "0.66", 2018: "0.71", 2019: "0.69", 2020: "0.58"},
    "CHN": {2017: "0.23", 2018: "0.31", 2019: "0.28", 2020: "0.21"},
}


def comtrade_plus_row(reporter, year, flow, partner, cmd, value):
    _, _, rcode, rdesc = COUNTRIES[reporter]
    if partner == "W00":
        pcode, pdesc = 0, "World"
    else:
        _, _, pcode, pdesc = COUNTRIES[partner]
    v = str(value)
    row = {
        "typeCode": "C", "freqCode": "A", "refPeriodId": "%d0101" % year,
        "refYear": str(year), "refMonth": "52", "period": str(year),
        "reporterCode": str(rcode), "reporterISO": reporter, "reporterDesc": rdesc,
        "flowCode": flow, "flowDesc": "Import" if flow == "M" else "Export",
        "partnerCode": str(pcode), "partnerISO": partner, "partnerDesc": pdesc,
        "partner2Code": "0", "partner2ISO": "W00", "partner2Desc": "World",
        "classificationCode": "H5", "classificationSearchCode": "HS",
        "isOriginalClassification": "true", "cmdCode": cmd, "cmdDesc": CMD_DESC[cmd],
        "aggrLevel": "0" if cmd == "TOTAL" else "2", "isLeaf": "false",
        "customsCode": "C00", "customsDesc": "TOTAL CPC", "mosCode": "0", "motCode": "0",
        "motDesc": "TOTAL MOT", "qtyUnitCode": "-1", "qtyUnitAbbr": "N/A", "qty": "",
        "isQtyEstimated": "false", "altQtyUnitCode": "-1", "altQtyUnitAbbr": "N/A",
        "altQty": "", "isAltQtyEstimated": "false", "netWgt": "",
        "isNetWgtEstimated": "false", "grossWgt": "", "isGrossWgtEstimated": "false",
        "cifvalue": v if flow == "M" else "", "fobvalue": v if flow == "X" else "",
        "primaryValue": v, "legacyEstimationFlag": "0", "isReported": "true",
        "isAggregate": "false",
    }
    fields = []
    for name in COMTRADE_PLUS_HEADER:
        f = row[name]
        assert '"' not in f
        fields.append('"%s"' % f if f != "" else "")
    # trailing comma: 48 fields against a 47-column header, as in real downloads
    return ",".join(fields) + ","


def write_comtrade_plus(dots, path):
    lines = [",".join(COMTRADE_PLUS_HEADER)]
    n = 0
    for rep in COMTRADE_REPORTERS:
        data = dots[rep]
        partners = ["W00"] + [p for p in C5 + ["CHN", "RUS"] if p != rep]
        if rep in C5:
            partners += C5_OTHER_PARTNERS
        partners.sort(key=lambda p: 0 if p == "W00" else COUNTRIES[p][2])
        for year in COMTRADE_YEARS:
            for flow in ("M", "X"):
                cmds = ["27", "TOTAL"] if (rep == "KAZ" and flow == "X") else ["TOTAL"]
                for cmd in cmds:
                    for p in partners:
                        if cmd == "27" and p not in KAZ_CH27_SHARE:
                            continue
                        dname = WORLD_DOTS if p == "W00" else COUNTRIES[p][0]
                        m = data.get((flow, dname, year))
                        if m is None:
                            continue  # no DOTS value: omit the row
                        value = usd_thousands_rounded(m)
                        if cmd == "27":
                            share = Decimal(KAZ_CH27_SHARE[p][year])
                            value = int((Decimal(value) * share / 1000).quantize(
                                Decimal("1"), rounding=ROUND_HALF_UP)) * 1000
                        lines.append(comtrade_plus_row(rep, year, flow, p, cmd, value))
                        n += 1
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\r\n".join(lines) + "\r\n")
    return n


# ---------------------------------------------------------------------------
# 2. ASEAN, tradepipe long layout
# ---------------------------------------------------------------------------

LONG_HEADER = ["year", "month", "reporter", "partner", "flow", "product", "value", "currency"]


def write_long(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(LONG_HEADER)
        for r in rows:
            w.writerow(r)
    return len(rows)


def write_asean(dots, path):
    rows = []
    for year in ASEAN_YEARS:
        for rep in ASEAN:
            data = dots[rep]
            partners = ["WLD"] + [p for p in ASEAN if p != rep] + ["CHN", "RUS"]
            for flow in ("X", "M"):
                for p in partners:
                    dname = WORLD_DOTS if p == "WLD" else COUNTRIES[p][0]
                    m = data.get((flow, dname, year))
                    if m is None:
                        continue
                    rows.append([year, "", rep, p, flow, "TOTAL", usd_thousands_rounded(m), "USD"])
    return write_long(path, rows)


def write_tkm(dots, path):
    """Turkmenistan as the IMF publishes it (DOTS_201): Turkmenistan reports
    to no one, and DOTS is where analysts get its figures (the IMF builds
    them largely from partners' reports; many partner cells are marked
    estimated). World, the other C5, China, Russia and the five other large
    partners of the C5 files, 2017-2020."""
    rows = []
    data = dots["TKM"]
    partners = ["WLD"] + [p for p in C5 if p != "TKM"] + ["CHN", "RUS"] + C5_OTHER_PARTNERS
    for year in COMTRADE_YEARS:
        for flow in ("X", "M"):
            for p in partners:
                dname = WORLD_DOTS if p == "WLD" else COUNTRIES[p][0]
                m = data.get((flow, dname, year))
                if m is None:
                    continue
                rows.append([year, "", "TKM", p, flow, "TOTAL", usd_thousands_rounded(m), "USD"])
    return write_long(path, rows)


# ---------------------------------------------------------------------------
# 3. World Bank WDI layout (values typed from the published WB file)
# ---------------------------------------------------------------------------

WDI_ROWS = [  # (name, code), in the file's alphabetical order
    ("China", "CHN"), ("Europe & Central Asia", "ECS"), ("Kazakhstan", "KAZ"),
    ("Kyrgyz Republic", "KGZ"), ("Russian Federation", "RUS"), ("Tajikistan", "TJK"),
    ("Uzbekistan", "UZB"), ("World", "WLD"),
]
WDI_YEARS = ["2017", "2018", "2019", "2020"]
WDI_INDICATOR = ("Official exchange rate (LCU per US$, period average)", "PA.NUS.FCRF")


def _fmt4(text):
    if text.strip() == "":
        return ""
    d = Decimal(text.strip()).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def write_wdi(src, path):
    with open(src, encoding="utf-8-sig", newline="") as f:
        lines = f.read().splitlines()
    hdr_i = next(i for i, l in enumerate(lines) if l.startswith('"Country Name"'))
    reader = csv.reader(lines[hdr_i:])
    header = next(reader)
    by_code = {r[1]: r for r in reader if len(r) > 1}
    cols = [header.index(y) for y in WDI_YEARS]

    def q(fields):
        return ",".join('"%s"' % x for x in fields) + ","

    out = [q(["Data Source", "World Development Indicators"]), "",
           q(["Last Updated Date", "2025-07-01"]), "",
           q(["Country Name", "Country Code", "Indicator Name", "Indicator Code"] + WDI_YEARS)]
    for name, code in WDI_ROWS:
        src_row = by_code[code]
        vals = [_fmt4(src_row[c]) for c in cols]
        out.append(q([name, code, WDI_INDICATOR[0], WDI_INDICATOR[1]] + vals))
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write("\n".join(out) + "\n")
    return len(WDI_ROWS)


# ---------------------------------------------------------------------------
# 4. Illustrative KGZ national-office file (KGS) and monthly KGS rates
# ---------------------------------------------------------------------------

# Illustrative values, KGS (whole som), roughly 1/12 of the 2019 annual
# magnitudes converted at ~69.8 KGS/USD with a weak first quarter.
KGZ_NATIONAL_KGS = {
    # (month, partner, flow): value in KGS
    (1, "KAZ", "X"): 1486250000, (1, "KAZ", "M"): 2864100000,
    (1, "CHN", "X"): 352780000,  (1, "CHN", "M"): 8120450000,
    (1, "RUS", "X"): 1138900000, (1, "RUS", "M"): 6350700000,
    (2, "KAZ", "X"): 1642300000, (2, "KAZ", "M"): 3105600000,
    (2, "CHN", "X"): 401150000,  (2, "CHN", "M"): 7765200000,
    (2, "RUS", "X"): 1259400000, (2, "RUS", "M"): 6921350000,
    (3, "KAZ", "X"): 1899750000, (3, "KAZ", "M"): 3488900000,
    (3, "CHN", "X"): 447600000,  (3, "CHN", "M"): 9370800000,
    (3, "RUS", "X"): 1402250000, (3, "RUS", "M"): 7654100000,
}
KGS_PER_USD_2019 = {1: "69.85", 2: "69.82", 3: "69.78"}  # illustrative, near 69.8


def write_kgz_national(path):
    rows = []
    for month in (1, 2, 3):
        for p in ("KAZ", "CHN", "RUS"):
            for flow in ("X", "M"):
                rows.append([2019, month, "KGZ", p, flow, "TOTAL",
                             KGZ_NATIONAL_KGS[(month, p, flow)], "KGS"])
    return write_long(path, rows)


def write_fx_kgs(path):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["date_or_period", "currency", "per_usd"])
        for m, v in sorted(KGS_PER_USD_2019.items()):
            w.writerow(["2019-%02d" % m, "KGS", v])
    return len(KGS_PER_USD_2019)


# ---------------------------------------------------------------------------
# 5. Illustrative CEPII BACI rows (t,i,j,k,v,q)
# ---------------------------------------------------------------------------

# (exporter, importer, HS6, value in thousand USD, quantity in tonnes or "")
# Illustrative values only, for 2019.
BACI_2019 = [
    (398, 156, "260300", "1098540.25", "873412.5"),
    (398, 156, "270900", "1318450.25", "3012775.4"),
    (398, 156, "271121", "1204331.6", "5101220"),
    (398, 156, "284410", "652180.44", "15.3"),
    (398, 156, "740311", "1745902.118", "296110.7"),
    (398, 251, "270900", "3410227.9", "7812004.1"),
    (398, 417, "010121", "412.5", "38.2"),
    (398, 417, "110100", "24318.77", "112045.3"),
    (398, 417, "271019", "88450.2", "121337.8"),
    (398, 643, "260111", "281044.31", "4420118"),
    (398, 643, "270112", "402117.5", "11285330.2"),
    (398, 643, "720241", "118302.66", "95412.4"),
    (398, 699, "270900", "812344.12", "1890410.5"),
    (398, 762, "100199", "61220.4", "301877.1"),
    (398, 762, "110100", "38115.9", "168204.6"),
    (398, 860, "100199", "240113.03", "1205140.2"),
    (398, 860, "110100", "41870.5", "180655"),
    (417, 156, "261690", "61544.8", "12004.3"),
    (417, 398, "040120", "18220.35", "31880.4"),
    (417, 398, "071333", "9410.2", "10875.6"),
    (417, 643, "620462", "42115.6", "2210.4"),
    (417, 860, "080810", "3112.45", "8840.1"),
    (762, 156, "260800", "98420.5", "140220.7"),
    (762, 398, "080610", "6120.3", "9011.4"),
    (762, 643, "520100", "41280.75", "25110.9"),
    (762, 860, "760110", "22140.6", "12050.3"),
    (795, 156, "271121", "8412330.5", "31014220.8"),
    (795, 398, "520100", "12880.4", "7655.2"),
    (795, 643, "520100", "65114.2", "39021.5"),
    (795, 860, "271121", "185440.7", "810330"),
    (860, 156, "271121", "1402118.3", "5412200.4"),
    (860, 156, "520512", "512780.66", "208440.1"),
    (860, 398, "070200", "48115.3", "92010.7"),
    (860, 398, "080610", "30220.8", "41880.2"),
    (860, 417, "271121", "95330.4", "410220"),
    (860, 643, "070200", "21080.9", "30112.5"),
    (860, 643, "080610", "61445.2", "70118.3"),
    (860, 643, "520512", "318220.5", "126004.8"),
    (860, 762, "270112", "14220.7", "210330.4"),
    (156, 398, "640299", "141220.5", "31880.2"),
    (156, 398, "847130", "168440.88", ""),
    (156, 398, "851712", "402118.3", ""),
    (156, 398, "870323", "95412.6", "7012.3"),
    (156, 417, "620342", "201330.5", "20118.7"),
    (156, 417, "640299", "310220.4", "68014.5"),
    (156, 762, "730630", "40118.2", "48020.6"),
    (156, 795, "730630", "61220.5", "70330.8"),
    (156, 860, "847130", "88014.7", ""),
    (156, 860, "870120", "120334.5", "14005.3"),
    (643, 398, "271019", "612004.2", "1120330.7"),
    (643, 398, "300490", "210445.6", "8112.4"),
    (643, 398, "870323", "540118.9", "52014.8"),
    (643, 417, "271019", "402220.5", "690118.2"),
    (643, 762, "440710", "58014.3", "201330.4"),
    (643, 860, "440710", "181220.7", "640118.9"),
    (643, 860, "271019", "145330.2", "240112.6"),
    (842, 398, "880240", "402000", ""),
    (251, 398, "300490", "40118.5", "612.3"),
    (699, 398, "090230", "3880.12", "1402.5"),
    (699, 860, "300490", "60224.8", "4410.7"),
]


def write_baci(path):
    rows = sorted(((2019, i, j, k, v, q) for i, j, k, v, q in BACI_2019),
                  key=lambda r: (r[0], r[1], r[2], r[3]))
    keys = [(r[0], r[1], r[2], r[3]) for r in rows]
    assert len(set(keys)) == len(keys), "BACI rows must be unique on (t,i,j,k)"
    for r in rows:
        assert re.fullmatch(r"\d{6}", r[3])
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["t", "i", "j", "k", "v", "q"])
        w.writerows(rows)
    return len(rows)


# ---------------------------------------------------------------------------
# 6. Illustrative legacy UN Comtrade CSV (classic API CSV, 35 columns)
# ---------------------------------------------------------------------------

LEGACY_HEADER = [
    "Classification", "Year", "Period", "Period Desc.", "Aggregate Level", "Is Leaf Code",
    "Trade Flow Code", "Trade Flow", "Reporter Code", "Reporter", "Reporter ISO",
    "Partner Code", "Partner", "Partner ISO", "2nd Partner Code", "2nd Partner",
    "2nd Partner ISO", "Customs Proc. Code", "Customs", "Mode of Transport Code",
    "Mode of Transport", "Commodity Code", "Commodity", "Qty Unit Code", "Qty Unit", "Qty",
    "Alt Qty Unit Code", "Alt Qty Unit", "Alt Qty", "Netweight (kg)", "Gross weight (kg)",
    "Trade Value (US$)", "CIF Trade Value (US$)", "FOB Trade Value (US$)", "Flag",
]
LEGACY_FLOWS = {1: "Import", 2: "Export", 3: "Re-Export", 4: "Re-Import"}
LEGACY_PARTNERS = {  # code -> (name, ISO)
    0: ("World", "WLD"), 156: ("China", "CHN"), 398: ("Kazakhstan", "KAZ"),
    417: ("Kyrgyzstan", "KGZ"), 643: ("Russian Federation", "RUS"),
    762: ("Tajikistan", "TJK"), 795: ("Turkmenistan", "TKM"),
}
# Illustrative UZB 2018 values in USD (not published Comtrade figures).
LEGACY_UZB_2018 = [
    # (flow code, partner code, value USD)
    (1, 0, 17300000000), (1, 156, 3540000000), (1, 398, 1545000000),
    (1, 417, 130000000), (1, 643, 3380000000), (1, 762, 145000000), (1, 795, 240000000),
    (2, 0, 11220000000), (2, 156, 2165000000), (2, 398, 1355000000),
    (2, 417, 333000000), (2, 643, 1735000000), (2, 762, 142000000), (2, 795, 35600000),
    (3, 0, 86400000),
    (4, 0, 12300000),
]


def write_legacy(path):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(LEGACY_HEADER)
        for flow, pcode, value in LEGACY_UZB_2018:
            pname, piso = LEGACY_PARTNERS[pcode]
            w.writerow(["HS", 2018, 2018, 2018, 0, 0, flow, LEGACY_FLOWS[flow],
                        860, "Uzbekistan", "UZB", pcode, pname, piso,
                        "", "", "", "", "", "", "", "TOTAL", "All Commodities",
                        1, "No Quantity", "", "", "", "", "", "",
                        value, "", "", 0])
    return len(LEGACY_UZB_2018)


# ---------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dots_dir", help="folder with the IMF DOTS_<n>.xlsx workbooks")
    ap.add_argument("--wdi", help="World Bank API_PA.NUS.FCRF_DS2_en_csv_v2_*.csv")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args(argv)

    dots = {}
    for iso in COMTRADE_REPORTERS + ASEAN + ["TKM"]:
        name, num = COUNTRIES[iso][0], COUNTRIES[iso][1]
        reporter, data = read_dots(os.path.join(args.dots_dir, "DOTS_%d.xlsx" % num))
        if reporter != name:
            sys.exit("DOTS_%d.xlsx: reporter %r, expected %r" % (num, reporter, name))
        dots[iso] = data

    out = args.out
    counts = {
        "c5_comtrade_2017_2020.csv": write_comtrade_plus(dots, os.path.join(out, "c5_comtrade_2017_2020.csv")),
        "asean_long_1996_2020.csv": write_asean(dots, os.path.join(out, "asean_long_1996_2020.csv")),
        "tkm_dots_2017_2020.csv": write_tkm(dots, os.path.join(out, "tkm_dots_2017_2020.csv")),
        "kgz_national_kgs_2019.csv": write_kgz_national(os.path.join(out, "kgz_national_kgs_2019.csv")),
        "fx_kgs_monthly_2019.csv": write_fx_kgs(os.path.join(out, "fx_kgs_monthly_2019.csv")),
        "baci_sample.csv": write_baci(os.path.join(out, "baci_sample.csv")),
        "comtrade_legacy_sample.csv": write_legacy(os.path.join(out, "comtrade_legacy_sample.csv")),
    }
    if args.wdi:
        counts["fx_wdi_sample.csv"] = write_wdi(args.wdi, os.path.join(out, "fx_wdi_sample.csv"))
    else:
        print("no --wdi given: fx_wdi_sample.csv left unchanged", file=sys.stderr)
    for name, n in counts.items():
        print("%-30s %5d data rows" % (name, n))


if __name__ == "__main__":
    main()
