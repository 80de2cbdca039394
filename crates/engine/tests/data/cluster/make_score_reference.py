#!/usr/bin/env python3
"""Writes score_reference.json: scores 1..B of a few real columns as
`pandas.qcut(x, B, labels=False, duplicates="drop") + 1` gives them, and the inner bin edges
(the cut points), for tests/score_reference.rs (a clustering feature scored as RFM scores it).

Columns:
- per customer of ../cdnow/cdnow_sample.csv (CDNOW, 2,357 customers): revenue (the sum of the
  amounts, added in cents so every tool gets the same double), orders (rows; most customers
  have one, so the bins merge and fewer than B scores remain), and the last order date, scored
  by the date itself (a later date scores higher); its cuts are written as days before the
  as-of date (the day after the latest order), ascending, as the engine keeps them;
- ../cdnow/cdnow_summary.csv: zbar (mean spend, 60% zeros) and t_x (recency in weeks);
- anes96.csv: TVnews (0 to 7 days a week, heavily tied), income (24 bands), age.

Customers are in the order of their id as text. Run from this folder with pandas installed:
    python3 make_score_reference.py
"""
import json

import numpy as np
import pandas as pd


def qcut(values, bins):
    """The 1-based scores and the inner edges of pandas.qcut with duplicates dropped."""
    codes, edges = pd.qcut(values, bins, labels=False, retbins=True, duplicates="drop")
    return [int(c) + 1 for c in codes], list(edges[1:-1])


cases = []

tx = pd.read_csv("../cdnow/cdnow_sample.csv", dtype={"customer_id": str, "order_date": str, "amount": str})
tx["cents"] = tx["amount"].map(lambda a: int(a.replace(".", "")) if "." in a else int(a) * 100)
tx["date"] = pd.to_datetime(tx["order_date"], format="%Y%m%d")
per = tx.groupby("customer_id").agg(cents=("cents", "sum"), orders=("cents", "size"), last=("date", "max"))
per = per.sort_index()
as_of = tx["date"].max() + pd.Timedelta(days=1)
for column, values, bins in [
    ("revenue", per["cents"].to_numpy() / 100.0, 5),
    ("orders", per["orders"].to_numpy().astype(float), 5),
]:
    scores, cuts = qcut(pd.Series(values), bins)
    cases.append({"source": "cdnow_sample.csv", "column": column, "bins": bins, "cuts": cuts, "scores": scores})
scores, edges = qcut(per["last"], 5)
cases.append(
    {
        "source": "cdnow_sample.csv",
        "column": "last_order_date",
        "bins": 5,
        "as_of": as_of.strftime("%Y-%m-%d"),
        # Days before the as-of date, ascending: the latest edge first.
        "cuts": sorted((as_of - e) / pd.Timedelta(days=1) for e in edges),
        "scores": scores,
    }
)

summary = pd.read_csv("../cdnow/cdnow_summary.csv")
for column, bins in [("zbar", 4), ("t_x", 5)]:
    scores, cuts = qcut(summary[column], bins)
    cases.append({"source": "cdnow_summary.csv", "column": column, "bins": bins, "cuts": cuts, "scores": scores})

anes = pd.read_csv("anes96.csv")
for column, bins in [("TVnews", 3), ("income", 10), ("age", 5)]:
    scores, cuts = qcut(anes[column].astype(float), bins)
    cases.append({"source": "anes96.csv", "column": column, "bins": bins, "cuts": cuts, "scores": scores})

out = {"pandas": pd.__version__, "numpy": np.__version__, "cases": cases}
with open("score_reference.json", "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
for c in cases:
    print(c["source"], c["column"], c["bins"], "bins:", len(c["cuts"]) + 1, "scores, cuts", c["cuts"])
