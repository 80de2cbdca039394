"""One native peer of `segscope rfm` in scripts/bench.sh: read the transactions CSV, compute RFM (the same definition
as bench/rfm.duckdb.sql and `segscope rfm` with its defaults), write one row per customer as CSV. Run as a whole
process under /usr/bin/time by bench/bench.py, so the time and peak memory include Python's start and the imports.

    python3 bench/native_rfm.py polars|duckdb TRANSACTIONS_CSV OUTPUT_CSV

Both peers use their default thread count (all cores); Segscope's CLI uses one.
"""
import datetime
import pathlib
import sys

tool, src, out = sys.argv[1], sys.argv[2], sys.argv[3]

if tool == "duckdb":
    import duckdb

    con = duckdb.connect()
    sql = (pathlib.Path(__file__).parent / "rfm.duckdb.sql").read_text(encoding="utf-8")
    sql = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    quote = lambda path: "'" + path.replace("'", "''") + "'"
    con.execute(
        f"CREATE VIEW transactions AS SELECT * FROM read_csv({quote(src)}, header=true, "
        "types={'customer_id': 'VARCHAR', 'order_id': 'VARCHAR', 'order_date': 'DATE', 'amount': 'DECIMAL(18,2)'})"
    )
    con.execute(f"COPY ({sql}) TO {quote(out)} (HEADER, DELIMITER ',')")
elif tool == "polars":
    import polars as pl

    tx = pl.read_csv(
        src,
        schema_overrides={"customer_id": pl.String, "order_id": pl.String, "order_date": pl.Date, "amount": pl.Decimal(18, 2)},
        columns=["customer_id", "order_id", "order_date", "amount"],
    )
    as_of = tx["order_date"].max() + datetime.timedelta(days=1)
    buy = pl.col("amount") > 0
    per = (
        tx.drop_nulls(["customer_id", "order_date", "amount"])
        .group_by("customer_id")
        .agg(
            pl.col("order_date").filter(buy).max().alias("last_date"),
            pl.col("order_id").filter(buy).drop_nulls().n_unique().alias("frequency"),
            pl.col("amount").sum().alias("monetary"),
        )
        .filter(pl.col("frequency") > 0)
    )
    n = per.height

    def score(col, descending):
        return (1 + (5 * (pl.col(col).rank("min", descending=descending) - 1)) // n).alias(col[0] + "_score")

    rfm = per.select(
        "customer_id",
        (pl.lit(as_of) - pl.col("last_date")).dt.total_days().alias("recency_days"),
        "frequency",
        "monetary",
    ).with_columns(score("recency_days", True), score("frequency", False), score("monetary", False))
    rfm.write_csv(out)
else:
    sys.exit(f"native_rfm.py: unknown tool {tool!r} (polars or duckdb)")
