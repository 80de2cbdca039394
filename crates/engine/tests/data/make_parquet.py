#!/usr/bin/env python3
"""Writes the Parquet fixtures with the tools users make them with (DuckDB and polars, as installed by
scripts/setup.sh). Run from this folder after make_formats.py:
    python3 make_parquet.py

transactions.parquet: transactions.csv written by DuckDB (Snappy), customer_id as text (leading zeros kept),
order_date a DATE, amount a DECIMAL(10,2), channel text; it must read and score like its CSV twin.
values.parquet: one row per kind of value, written by polars (Zstandard, its default): a date-time without and
with a time zone, a boolean, an integer, a float, a null, a list and a text with a comma and a quote.
"""
import datetime

import duckdb
import polars as pl

duckdb.sql("""
    COPY (
        SELECT customer_id, CAST(order_date AS DATE) AS order_date, CAST(amount AS DECIMAL(10, 2)) AS amount, channel
        FROM read_csv('transactions.csv', types = {'customer_id': 'VARCHAR'})
    ) TO 'transactions.parquet' (FORMAT parquet, COMPRESSION snappy)
""")

pl.DataFrame(
    {
        "id": [1, 2],
        "seen": [datetime.datetime(2024, 1, 15, 10, 23, 45), datetime.datetime(2024, 2, 29, 23, 59, 59, 500000)],
        "seen_utc": pl.Series(
            [datetime.datetime(2024, 1, 15, 10, 23, 45), datetime.datetime(2024, 2, 29, 23, 0, 0)]
        ).dt.replace_time_zone("UTC").dt.convert_time_zone("Europe/Brussels"),
        "member": [True, False],
        "spend": [12.5, -3.25],
        "note": [None, 'said "hi", then left'],
        "tags": [["a", "b"], []],
    }
).write_parquet("values.parquet")
