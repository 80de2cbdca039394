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
import struct
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
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)
    return out.getvalue()


def opendocument(rows):
    """A minimal .ods (one sheet, `Data`) whose table holds `rows` (XML); the same bytes on every run."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Data">{rows}</table:table></office:spreadsheet></office:body></office:document-content>'
    )
    parts = [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED),
        ("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
         '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
         '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>', zipfile.ZIP_DEFLATED),
        ("content.xml", content, zipfile.ZIP_DEFLATED),
    ]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text, method in parts:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = method
            z.writestr(info, text)
    return out.getvalue()


def biff(typ, data=b""):
    """One BIFF record: its type, its length, its data."""
    return struct.pack("<HH", typ, len(data)) + data


def excel97(cells, sheet_at=None, dimensions=None, small=False, extra=b"", sheet_extra=b""):
    """A minimal .xls (BIFF8 in a version-3 compound file; one sheet, `Data`) of `cells`, (row, column, value)
    triples written as given, even a position no spreadsheet program would write (a text value is a LABEL record,
    a number a NUMBER record). `sheet_at` overrides where the workbook says the sheet starts; `dimensions`, a
    (first row, row after the last, first column, column after the last) tuple, writes the sheet's Dimensions
    record; `small` keeps the workbook's data in the compound file's mini stream, as files under 4 KB are;
    `extra` is records added to the workbook's global ones, `sheet_extra` to the sheet's."""
    bof = lambda kind: biff(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x0600))
    name = b"Data"
    boundsheet_len = 4 + 4 + 2 + 2 + len(name)
    globals_ = bof(0x0005) + biff(0x0042, struct.pack("<H", 1200)) + extra
    position = len(globals_) + boundsheet_len + 4  # after the BoundSheet8 record and EOF
    where = position if sheet_at is None else sheet_at
    globals_ += biff(0x0085, struct.pack("<IBBBB", where, 0, 0, len(name), 0) + name) + biff(0x000A)
    sheet = bof(0x0010)
    if dimensions:
        sheet += biff(0x0200, struct.pack("<IIHHH", *dimensions, 0))
    for row, column, value in cells:
        if isinstance(value, str):
            text = value.encode("latin-1")
            sheet += biff(0x0204, struct.pack("<HHHHB", row, column, 0, len(text), 0) + text)
        else:
            sheet += biff(0x0203, struct.pack("<HHHd", row, column, 0, value))
    stream = globals_ + sheet + sheet_extra + biff(0x000A)
    end, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    chain = lambda first, count: [first + i + 1 for i in range(count - 1)] + [end]
    if small:
        # Sector 2: the mini table; sectors 3 on: the mini stream (the root entry's data), 64-byte mini sectors.
        size = len(stream)
        stream += b"\0" * (-len(stream) % 512)
        minis = -(-size // 64)
        mini_table = struct.pack(f"<{128}I", *(chain(0, minis) + [free] * (128 - minis)))
        sectors = len(stream) // 512
        fat = [fat_sector, end, end] + chain(3, sectors)
        root, workbook_entry = (3, len(stream)), (0, size)
        mini_header = (2, 1)
    else:
        stream += b"\0" * (max(4096, -(-len(stream) // 512) * 512) - len(stream))  # whole sectors, past the mini-stream cutoff
        sectors = len(stream) // 512
        fat = [fat_sector, end] + chain(2, sectors)
        root, workbook_entry, mini_table = (end, 0), (2, len(stream)), b""
        mini_header = (end, 0)
    fat += [free] * (128 - len(fat))
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, *mini_header, end, 0) + struct.pack("<I", 0) + struct.pack("<I", free) * 108
    )

    def entry(label, kind, child, start, size):
        utf16 = (label + "\0").encode("utf-16-le")
        return (utf16 + b"\0" * (64 - len(utf16)) + struct.pack("<HBB", len(utf16), kind, 1)
                + struct.pack("<III", no_stream, no_stream, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                + struct.pack("<IQ", start, size))

    empty = b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", no_stream, no_stream, no_stream) + b"\0" * 48
    directory = entry("Root Entry", 5, 1, *root) + entry("Workbook", 2, no_stream, *workbook_entry) + empty * 2
    return header + struct.pack("<128I", *fat) + directory + mini_table + stream


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
    # The same far cell in an OpenDocument sheet (calamine lays an .ods out whole as it opens it: 17 billion
    # cells), and a value repeated to the grid's edge in 20,000 rows (328 million cells from a few kilobytes).
    cell = lambda text: f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    head = "".join(f"<table:table-row>{cell(a)}{cell(b)}</table:table-row>" for a, b in [("customer_id", "country"), ("C1", "FR"), ("C2", "DE")])
    far = ('<table:table-row table:number-rows-repeated="1048572"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
           f'<table:table-row><table:table-cell table:number-columns-repeated="16383"/>{cell("x")}</table:table-row>')
    add("far_cell.ods", opendocument(head + far))
    repeated = '<table:table-row><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row>'
    add("repeated_cells.ods", opendocument(head + repeated * 20_000))
    # A workbook whose sheet holds 400 MB of spaces: a zip "bomb" of about 400 KB.
    add("bomb.xlsx", workbook(data + [("A4", " " * (400 << 20))]), keep=False)
    # The same far cell in an .xls (calamine lays every sheet out whole as it opens the workbook: a value at the
    # last position a record can name, 65536 x 65536, is 4 billion cells); and a workbook whose sheet is said to
    # start past the end of its data.
    rows = [(0, 0, "customer_id"), (0, 1, "country"), (1, 0, "C1"), (1, 1, "FR"), (2, 0, "C2"), (2, 1, "DE")]
    add("customers.xls", excel97(rows))
    add("far_cell.xls", excel97(rows + [(65535, 65535, "x")]))
    add("sheet_past_the_end.xls", excel97(rows, sheet_at=0x7FFFFFF0))
    # A sheet whose Dimensions record ends before it starts (calamine's arithmetic wraps to four billion rows and
    # reserves room for them), and the same damage in a workbook small enough to live in the mini stream.
    add("wrapped_dimensions.xls", excel97(rows, dimensions=(5, 1, 0, 2)))
    add("small_sheet_past_the_end.xls", excel97(rows, sheet_at=0x7FFFFFF0, small=True))
    add("small_customers.xls", excel97(rows, small=True))
    # A defined name (Lbl) shorter than the lengths it gives, a shared-string table whose one string says
    # formatting runs follow and ends there, a list of merged cells longer than its record: calamine indexes past
    # the end of each (a panic), and Segscope refuses them. A formula whose tokens are said to run 65,535 bytes
    # in a record of 23 is past what Segscope checks: the page says it could not read the file.
    add("damaged_name.xls", excel97(rows, extra=biff(0x0018, bytes([0, 0, 0, 9, 0, 0]))))
    add("damaged_strings.xls", excel97(rows, extra=biff(0x00FC, struct.pack("<IIHB", 1, 1, 1, 0x08))))
    # A formula's text value (a String record) with no formula before it: calamine puts it at A1, so with one
    # value at the last position the sheet is 65,536 x 65,536 again (found by fuzz/xls_ingest).
    add("formula_text_far.xls", excel97([(65535, 65535, "x")], sheet_extra=biff(0x0207, struct.pack("<HB", 1, 0) + b"y")))
    add("damaged_merged_cells.xls", excel97(rows, sheet_extra=biff(0x00E5, struct.pack("<H", 5))))
    formula = struct.pack("<HHH", 3, 0, 0) + struct.pack("<d", 0.0) + struct.pack("<HI", 0, 0) + struct.pack("<H", 0xFFFF) + b"\x1e\x01\x00"
    add("damaged_formula.xls", excel97(rows, sheet_extra=biff(0x0006, formula)))
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
