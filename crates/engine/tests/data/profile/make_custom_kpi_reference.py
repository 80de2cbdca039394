"""Expected values for crates/engine/tests/custom_kpi_reference.rs, computed with pandas.

Input: profile_customers.csv beside this script (the built-in sample's 2,000 customers with their
transactions aggregated, as make_profile_reference.py wrote it). Run:

    python3 make_custom_kpi_reference.py

It writes custom_kpi_reference.json beside this script: for each KPI of custom_kpis.json (the same
KPIs as Segscope reads them, `segscope.kpis/1`) its value per `life_stage` segment (segments in
name order) and for all customers, with the pandas version used. Each KPI is written here again as
the pandas expression a user would write:

- count: rows where the condition holds (and the column, if named, has a value): `mask.sum()`;
- sum / mean / median / min / max: `df.loc[mask, column].agg(...)` (pandas skips missing values;
  median is pandas' linear interpolation);
- share: `mask.sum() / len(group)`: the share of the segment's customers the condition picks
  (a missing value counts as not picked).
"""

import json
import os

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
SEGMENT = "life_stage"

df = pd.read_csv(
    os.path.join(HERE, "profile_customers.csv"),
    dtype={"customer_id": str},
    parse_dates=["signup_date", "first_order_date", "last_order_date"],
)
df["email_opt_in"] = df["email_opt_in"].map({True: True, False: False, "true": True, "false": False})

# The same KPIs as custom_kpis.json, as pandas masks and columns.
KPIS = [
    ("Urban income", "mean", "income", df["urbanicity"] == "Urban"),
    ("Median revenue", "median", "revenue", None),
    ("Opted in", "share", None, df["email_opt_in"] == True),  # noqa: E712
    ("Big buyers", "count", None, (df["orders"] >= 20) & (df["revenue"] > 1000)),
    ("Oldest", "max", "age", None),
    ("Lowest rating", "min", "avg_rating", None),
    ("Revenue in France or Spain", "sum", "revenue", df["country"].isin(["France", "Spain"])),
    ("App users' visits", "mean", "web_visits_90d", (df["app_sessions_90d"] > 10) | (df["age"] < 30)),
    ("Recent buyers", "share", None, df["last_order_date"] >= pd.Timestamp("2025-10-01")),
]


def value(group, aggregate, column, mask):
    picked = group if mask is None else group[mask.loc[group.index].fillna(False).astype(bool)]
    if aggregate == "share":
        return len(picked) / len(group) if len(group) else None
    if aggregate == "count":
        return int(len(picked) if column is None else picked[column].notna().sum())
    series = picked[column].dropna()
    if series.empty:
        return None
    result = getattr(series, aggregate)()
    return float(result)


segments = sorted(df[SEGMENT].dropna().unique())
out = {
    "pandas": pd.__version__,
    "segment_column": SEGMENT,
    "segments": segments,
    "kpis": [],
}
for name, aggregate, column, mask in KPIS:
    values = {s: value(df[df[SEGMENT] == s], aggregate, column, mask) for s in segments}
    values["All customers"] = value(df, aggregate, column, mask)
    out["kpis"].append({"name": name, "values": values})

with open(os.path.join(HERE, "custom_kpi_reference.json"), "w") as f:
    json.dump(out, f, indent=1, sort_keys=False)
    f.write("\n")
