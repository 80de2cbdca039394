#!/usr/bin/env python3
"""The hostile-file corpus (issue #17): files a real user can drop on Segscope by mistake or that an
attacker could craft. Each must give a result or a clear message within seconds, in the CLI
(crates/cli/tests/hostile.rs) and in the page (tests/e2e/hostile.test.mjs).

    python3 tests/data/hostile/make.py OUTDIR

writes every file of the corpus into OUTDIR: the small ones are also kept beside this script (the
same bytes), the large ones (up to 10 MB, and a gzip "bomb") are only made on demand. Deterministic:
the same bytes on every run. Standard library only."""

import gzip
import io
import json
import os
import random
import sys
import zipfile


def workbook(cells):
    """A minimal .xlsx (one sheet, inline strings) of `cells`, (reference, text) pairs written as given, even a
    reference no spreadsheet program would write; the same bytes on every run (fixed dates in the zip)."""
    rows = "".join(f'<row><c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c></row>' for ref, text in cells)
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return out.getvalue()


def files():
    """(name, bytes, kept beside the script?) for every file of the corpus."""
    rnd = random.Random(17)
    out = []

    def add(name, data, keep=True):
        out.append((name, data if isinstance(data, bytes) else data.encode("utf-8"), keep))

    # A binary file renamed .csv: a PNG signature, then noise with NUL bytes.
    add("binary_renamed.csv", b"\x89PNG\r\n\x1a\n" + bytes(rnd.randrange(256) for _ in range(4096)))
    # UTF-16 (little-endian) without a byte-order mark.
    add("utf16le_no_bom.csv", "customer_id,city,spend\nC1,Zürich,12.5\nC2,Tōkyō,7\nC3,São Paulo,3.25\n".encode("utf-16-le"))
    add("only_header.csv", "customer_id,age,country\n")
    add("only_newlines.csv", "\n" * 1000)
    add("mixed_line_endings.csv", b"customer_id,age,country\r\nC1,34,FR\nC2,41,DE\rC3,29,IT\r\nC4,52,ES\n")
    add("nul_bytes.csv", b"customer_id,age,country\nC1,3\x004,FR\nC2\x00,41,DE\n\x00\x00\x00\n")
    add("not_a_zip.xlsx", b"this is not a spreadsheet, only text with an .xlsx name\n" * 20)
    add("empty.csv", b"")
    # A sheet with a value in the last cell of Excel's grid (XFD1048576), far from its data: laid out
    # whole it is 17 billion cells. And a damaged cell reference of nine letters, past any column.
    data = [("A1", "customer_id"), ("B1", "country"), ("A2", "C1"), ("B2", "FR"), ("A3", "C2"), ("B3", "DE")]
    add("far_cell.xlsx", workbook(data + [("XFD1048576", "x")]))
    add("damaged_cell_reference.xlsx", workbook(data + [("ZZZZZZZZZ4", "x")]))
    # Extreme dates and amounts in a transactions file.
    add(
        "extreme_transactions.csv",
        "customer_id,order_date,amount\n"
        "C1,0001-01-01,10.00\n"
        "C1,9999-12-31,0.000000000000000000000000000001\n"
        "C2,1900-02-28,-99999999999999999999.99\n"
        "C2,2024-02-29,92233720368547758.07\n"
        "C3,2024-01-01,1e308\n"
        "C3,2024-01-02,NaN\n"
        "C3,2024-01-03,0.1234567890123456789012345678901234567890\n"
        "C4,2024-01-04,12.50\n",
    )
    # Every purchase on one day.
    lines = ["customer_id,order_date,amount"]
    for i in range(5000):
        lines.append(f"C{i % 400},2024-06-01,{(i % 97) + 0.99:.2f}")
    add("one_day_transactions.csv", "\n".join(lines) + "\n")
    # A definition nested 10,000 deep (JSON) and a very large one (20,000 segments).
    leaf = '{"column": "age", "op": "ge", "value": 18}'
    when = '{"all": [' * 10_000 + leaf + "]}" * 10_000
    add(
        "deeply_nested_definition.json",
        '{"format": "segscope.segments/1", "name": "deep", "mode": "overlapping", "segments": [{"name": "deep", "when": '
        + when
        + "}]}",
        keep=False,
    )
    large = {
        "format": "segscope.segments/1",
        "name": "large",
        "mode": "overlapping",
        "segments": [
            {"name": f"segment {i}", "when": {"column": "age", "op": "between", "min": i % 90, "max": i % 90 + 5}}
            for i in range(20_000)
        ],
    }
    add("very_large_definition.json", json.dumps(large), keep=False)
    # 100,000 columns; 50,000 columns of one name.
    add("hundred_thousand_columns.csv", ",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join("1" for _ in range(100_000)) + "\n", keep=False)
    add("fifty_thousand_same_name.csv", ",".join("x" for _ in range(50_000)) + "\n" + ",".join("2" for _ in range(50_000)) + "\n", keep=False)
    # One field of 10 MB.
    add("ten_mb_field.csv", "customer_id,note\nC1,\"" + "a" * 10_000_000 + "\"\nC2,short\n", keep=False)
    # A gzip "bomb": 3 GB of one repeated row in about 3 MB (48 gzip members of 64 MB each, which
    # a reader takes as one file, as gzip itself does).
    rows = b"C1,30\n" * ((64 << 20) // 6)
    member = gzip.compress(rows, compresslevel=9, mtime=0)
    add("bomb.csv.gz", gzip.compress(b"customer_id,age\n", mtime=0) + member * 48, keep=False)
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: python3 tests/data/hostile/make.py OUTDIR")
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    own = os.path.abspath(outdir) == here
    for name, data, keep in files():
        if own and not keep:
            continue
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
        if keep and not own:
            with open(os.path.join(here, name), "rb") as f:
                if f.read() != data:
                    sys.exit(f"{name} beside make.py differs from what make.py writes: run make.py on its own folder")


if __name__ == "__main__":
    main()
