#!/usr/bin/env python3
"""Writes the file-format fixtures: transactions.csv and its twins (.csv.gz, .jsonl, .xlsx).

Python 3 standard library only (zipfile, gzip, json); deterministic (fixed timestamps). Run from this folder:
    python3 make_formats.py
transactions.xlsx has two sheets: `Summary` (a merged header cell A1:B1, a date-time 2024-03-31 12:00 stored as an
Excel serial) and `Orders`, the same rows as transactions.csv with the dates stored as Excel serials (style
numFmtId 14) and the amounts as numbers. Every amount has a non-zero last cent, so all twins keep scale 2.
"""
import datetime
import gzip
import io
import json
import random
import zipfile

rng = random.Random(14)
channels = ["web", "store", "app"]
rows = []
for i in range(60):
    customer = f"{rng.randint(1, 12):05d}"
    day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 180))
    cents = rng.randint(100, 20000)
    if cents % 10 == 0:
        cents += 3
    rows.append((customer, day, f"{cents // 100}.{cents % 100:02d}", rng.choice(channels)))
header = ("customer_id", "order_date", "amount", "channel")

with open("transactions.csv", "w", newline="") as f:
    f.write(",".join(header) + "\n")
    for c, d, a, ch in rows:
        f.write(f"{c},{d.isoformat()},{a},{ch}\n")

with open("transactions.csv", "rb") as f:
    csv_bytes = f.read()
with open("transactions.csv.gz", "wb") as f:
    with gzip.GzipFile(filename="transactions.csv", mode="wb", fileobj=f, mtime=0) as g:
        g.write(csv_bytes)

with open("transactions.jsonl", "w") as f:
    for c, d, a, ch in rows:
        # The amount as a JSON number written with its two decimals.
        f.write('{"customer_id": %s, "order_date": %s, "amount": %s, "channel": %s}\n'
                % (json.dumps(c), json.dumps(d.isoformat()), a, json.dumps(ch)))


def serial(day):
    return (day - datetime.date(1899, 12, 30)).days


def cell(ref, value, style=None):
    s = f' s="{style}"' if style is not None else ""
    if isinstance(value, str):
        text = value.replace("&", "&amp;").replace("<", "&lt;")
        return f'<c r="{ref}" t="inlineStr"{s}><is><t>{text}</t></is></c>'
    return f'<c r="{ref}"{s}><v>{value}</v></c>'


def sheet(table, merge=None):
    out = []
    for r, row in enumerate(table, start=1):
        cells = "".join(cell(f"{'ABCD'[c]}{r}", v, st) for c, (v, st) in enumerate(row) if v is not None)
        out.append(f'<row r="{r}">{cells}</row>')
    merged = f'<mergeCells count="1"><mergeCell ref="{merge}"/></mergeCells>' if merge else ""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<sheetData>{"".join(out)}</sheetData>{merged}</worksheet>')


summary = [
    [("region", None), (None, None), ("updated", None)],
    [("North", None), (3, None), (serial(datetime.date(2024, 3, 31)) + 0.5, 2)],
    [("South", None), (5, None), (serial(datetime.date(2024, 4, 1)), 1)],
]
orders = [[(h, None) for h in header]] + [
    [(c, None), (serial(d), 1), (a, None), (ch, None)] for c, d, a, ch in rows
]
NS = "http://schemas.openxmlformats.org"
parts = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Types xmlns="{NS}/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '</Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{NS}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{NS}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{NS}/spreadsheetml/2006/main" xmlns:r="{NS}/officeDocument/2006/relationships">'
        '<sheets><sheet name="Summary" sheetId="1" r:id="rId1"/><sheet name="Orders" sheetId="2" r:id="rId2"/></sheets>'
        '</workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{NS}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{NS}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{NS}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>'
        f'<Relationship Id="rId3" Type="{NS}/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        '</Relationships>'),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<styleSheet xmlns="{NS}/spreadsheetml/2006/main">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '</styleSheet>'),
    "xl/worksheets/sheet1.xml": sheet(summary, merge="A1:B1"),
    "xl/worksheets/sheet2.xml": sheet(orders),
}
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    for name, text in parts.items():
        info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, text)
with open("transactions.xlsx", "wb") as f:
    f.write(buf.getvalue())
