"""Expected values for crates/engine/tests/profile_reference.rs, computed with pandas and scipy.

Input: the built-in sample, 2,000 customers with the default seed, written by the CLI:

    cargo run -p segscope-cli --release -- sample --out /tmp/segscope-sample --customers 2000
    python3 make_profile_reference.py /tmp/segscope-sample

It writes, beside this script:

- profile_customers.csv: customers.csv exactly as written, plus each customer's transactions
  aggregated as Segscope's customer table states them (crates/engine/src/customers): a purchase is
  a row with a positive amount; orders = distinct order ids among purchases; revenue = every amount
  summed (returns netted); first/last_order_date = the first and last purchase day. Customers
  without transactions get 0 orders, 0 revenue and no dates.
- profile_reference.json: the profile of the segmentation by `life_stage` (segments in name order;
  the column itself left out), with the versions used:
  * per segment and overall: count, missing, mean, quartiles (pandas' linear `quantile`), median,
    min, max of every number; count and share of every category level (shares of the customers
    with a value; levels most common overall first, ties by name) and its index (segment share /
    overall share * 100); min, median, max of every date (the median's day);
  * each segment against the rest: scipy's ttest_ind(equal_var=False) with Cohen's d (pooled sd)
    and mannwhitneyu(alternative="two-sided", method="asymptotic") with the rank-biserial
    correlation for numbers; chi2_contingency (Yates, scipy's default) on the 2 x 2 table
    segment/rest x level/other with Cramer's V (contingency.association) and signed phi for each
    level; scipy's pointbiserialr for a number's strength; statsmodels' multipletests(fdr_bh) over
    each segment's tested traits (Welch for numbers), significant at adjusted p <= 0.05;
  * the typical customer's call-outs: significant traits by |strength| (then positive first, then
    column, then level), at most one per column, the first 5; the mode of each category;
  * the KPIs with the default as-of date (the day after the latest last order) and 180 lapsed days;
  * the niches on revenue with DECISIONS 16's defaults (0.5% to 10% of customers, index >= 150,
    Welch's t against everyone else, Benjamini-Hochberg over every candidate in the size range).
"""

import json
import os
import sys

import numpy as np
import pandas as pd
import scipy
import statsmodels
from scipy import stats
from scipy.stats.contingency import association
from statsmodels.stats.multitest import multipletests

HERE = os.path.dirname(os.path.abspath(__file__))
SEGMENT_COLUMN = "life_stage"
NUMBERS = ["age", "income", "web_visits_90d", "app_sessions_90d", "support_tickets_12m", "avg_rating", "orders", "revenue"]
CATEGORIES = ["gender", "marital_status", "country", "region", "urbanicity", "acquisition_channel", "email_opt_in"]
FLAGS = {"email_opt_in"}
DATES = ["signup_date", "first_order_date", "last_order_date"]
SKIPPED = ["customer_id"]
ALPHA = 0.05
CALLOUTS = 5
LAPSED_DAYS = 180
MIN_SHARE, MAX_SHARE, MIN_INDEX = 0.005, 0.10, 150.0


def aggregate(sample):
    customers = pd.read_csv(os.path.join(sample, "customers.csv"), dtype=str, keep_default_na=False)
    tx = pd.read_csv(os.path.join(sample, "transactions.csv"), dtype={"customer_id": str, "order_id": str})
    tx["order_date"] = pd.to_datetime(tx["order_date"])
    purchases = tx[tx["amount"] > 0]
    per = pd.DataFrame(
        {
            "orders": purchases.groupby("customer_id")["order_id"].nunique(),
            "first_order_date": purchases.groupby("customer_id")["order_date"].min(),
            "last_order_date": purchases.groupby("customer_id")["order_date"].max(),
        }
    )
    # Cents summed as integers: exact, as the engine's money sums.
    cents = (tx["amount"] * 100).round().astype("int64").groupby(tx["customer_id"]).sum()
    joined = customers.join(per, on="customer_id").join(cents.rename("cents"), on="customer_id")
    joined["orders"] = joined["orders"].fillna(0).astype("int64")
    cents = joined["cents"].fillna(0).astype("int64")
    joined["revenue"] = [f"{'-' if c < 0 else ''}{abs(c) // 100}.{abs(c) % 100:02d}" for c in cents]
    for column in ["first_order_date", "last_order_date"]:
        joined[column] = joined[column].dt.strftime("%Y-%m-%d").fillna("")
    joined = joined.drop(columns=["cents"])
    path = os.path.join(HERE, "profile_customers.csv")
    joined.to_csv(path, index=False, lineterminator="\n")
    return path


def words(column):
    return " ".join(column.replace("_", " ").replace("-", " ").split())


def quartiles(values):
    if len(values) == 0:
        return None
    q = values.quantile([0.25, 0.5, 0.75])
    return {
        "min": float(values.min()),
        "q1": float(q[0.25]),
        "median": float(q[0.5]),
        "q3": float(q[0.75]),
        "max": float(values.max()),
        "mean": float(values.mean()),
    }


def day(ts):
    return None if pd.isna(ts) else ts.floor("D").strftime("%Y-%m-%d")


def welch(x, y):
    n1, n2 = len(x), len(y)
    if n1 < 2 or n2 < 2 or (np.var(x) == 0 and np.var(y) == 0):
        return None
    r = stats.ttest_ind(x, y, equal_var=False)
    pooled = np.sqrt(((n1 - 1) * np.var(x, ddof=1) + (n2 - 1) * np.var(y, ddof=1)) / (n1 + n2 - 2))
    return {"statistic": float(r.statistic), "p_value": float(r.pvalue), "effect": float((np.mean(x) - np.mean(y)) / pooled)}


def mann_whitney(x, y):
    if len(x) < 2 or len(y) < 2:
        return None
    r = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic", use_continuity=True)
    return {
        "statistic": float(r.statistic),
        "p_value": float(r.pvalue),
        "effect": float(2 * r.statistic / (len(x) * len(y)) - 1),
    }


def chi_square(a, b, c, d):
    if min(a + b, c + d, a + c, b + d) == 0:
        return None
    table = np.array([[a, b], [c, d]])
    r = stats.chi2_contingency(table)
    phi = (a * d - b * c) / np.sqrt(float(a + b) * (c + d) * (a + c) * (b + d))
    return {
        "statistic": float(r.statistic),
        "p_value": float(r.pvalue),
        "effect": float(association(table, method="cramer")),
        "strength": float(phi),
    }


def profile(df, segments):
    n = len(df)
    seg = df[SEGMENT_COLUMN]
    out = {"segments": [], "numbers": [], "categories": [], "dates": []}
    for s in segments:
        size = int((seg == s).sum())
        out["segments"].append({"name": s, "count": size, "share": size / n})
    # Every tested trait of a segment: (p, where) for the correction.
    family = {s: [] for s in segments}

    for column in NUMBERS:
        values = df[column]
        entry = {"column": column, "all": {"count": int(values.notna().sum()), "missing": int(values.isna().sum()),
                                           "stats": quartiles(values.dropna())}, "segments": []}
        all_mean = values.mean()
        for s in segments:
            inside = values[seg == s].dropna()
            rest = values[seg != s].dropna()
            member = (seg == s)[values.notna()].astype(float)
            st = quartiles(inside)
            w = welch(inside.to_numpy(), rest.to_numpy())
            if w is not None:
                w["strength"] = float(stats.pointbiserialr(member, values.dropna()).statistic)
            mw = mann_whitney(inside.to_numpy(), rest.to_numpy())
            item = {
                "count": int(len(inside)),
                "missing": int(values[seg == s].isna().sum()),
                "stats": st,
                "index": None if st is None or not all_mean > 0 else st["mean"] / all_mean * 100,
                "welch": w,
                "mann_whitney": mw,
            }
            entry["segments"].append(item)
            if w is not None:
                family[s].append((w["p_value"], item, "welch"))
        out["numbers"].append(entry)

    for column in CATEGORIES:
        values = df[column].astype(str).where(df[column].notna())
        counts = values.value_counts()
        levels = sorted(counts.index, key=lambda level: (-counts[level], level))
        total = int(values.notna().sum())
        entry = {
            "column": column,
            "levels": levels,
            "all": {"count": total, "missing": int(values.isna().sum()),
                    "levels": [{"count": int(counts[l]), "share": counts[l] / total} for l in levels]},
            "segments": [],
        }
        for s in segments:
            inside = values[seg == s]
            k = int(inside.notna().sum())
            vc = inside.value_counts()
            items = []
            for level in levels:
                a = int(vc.get(level, 0))
                b, c = k - a, int(counts[level]) - a
                d = (total - k) - c
                share = a / k if k else 0.0
                test = chi_square(a, b, c, d)
                item = {"count": a, "share": share,
                        "index": share / (counts[level] / total) * 100 if k else None, "chi_square": test}
                items.append(item)
                if test is not None:
                    family[s].append((test["p_value"], item, "chi_square"))
            mode = sorted(vc.index, key=lambda level: (-vc[level], level))[0] if len(vc) else None
            entry["segments"].append({"count": k, "missing": int(inside.isna().sum()), "levels": items, "mode": mode})
        out["categories"].append(entry)

    for column in DATES:
        values = df[column]
        entry = {"column": column, "all": dates(values), "segments": [dates(values[seg == s]) for s in segments]}
        out["dates"].append(entry)

    for s, traits in family.items():
        adjusted = multipletests([p for p, _, _ in traits], method="fdr_bh")[1]
        for (_, item, test), a in zip(traits, adjusted):
            item[test]["adjusted_p"] = float(a)
            item[test]["significant"] = bool(a <= ALPHA)

    out["callouts"] = []
    for i, s in enumerate(segments):
        candidates = []
        for entry in out["numbers"]:
            w = entry["segments"][i]["welch"]
            if w is not None and w["significant"]:
                candidates.append((entry["column"], None, w["strength"]))
        for entry in out["categories"]:
            for level, item in zip(entry["levels"], entry["segments"][i]["levels"]):
                t = item["chi_square"]
                if t is not None and t["significant"]:
                    candidates.append((entry["column"], level, t["strength"]))
        candidates.sort(key=lambda c: (-abs(c[2]), -c[2], c[0], c[1] or ""))
        chosen = []
        for column, level, _ in candidates:
            if len(chosen) < CALLOUTS and all(column != c[0] for c in chosen):
                chosen.append([column, level])
        out["callouts"].append(chosen)
    return out


def dates(values):
    present = values.dropna()
    return {
        "count": int(len(present)),
        "missing": int(values.isna().sum()),
        "min": day(present.min()) if len(present) else None,
        "median": day(present.median()) if len(present) else None,
        "max": day(present.max()) if len(present) else None,
    }


def kpis(df, segments):
    as_of = df["last_order_date"].max() + pd.Timedelta(days=1)
    cutoff = as_of - pd.Timedelta(days=LAPSED_DAYS)
    total_revenue = df["revenue"].sum()

    def group(g, name):
        buyers = int((g["orders"] >= 1).sum())
        dated = g["last_order_date"].dropna()
        customers = len(g)
        orders = int(g["orders"].sum())
        revenue = float(g["revenue"].sum())
        return {
            "segment": name,
            "customers": customers,
            "customer_share": customers / len(df),
            "buyers": buyers,
            "orders": orders,
            "revenue": revenue,
            "revenue_share": revenue / total_revenue,
            "orders_per_customer": orders / customers,
            "average_order_value": revenue / orders if orders else None,
            "revenue_per_customer": revenue / customers,
            "mean_recency_days": float((as_of - dated).dt.days.mean()) if len(dated) else None,
            "repeat_rate": int((g["orders"] >= 2).sum()) / buyers if buyers else None,
            "lapsed_share": float((dated < cutoff).mean()) if len(dated) else None,
        }

    return {
        "as_of": as_of.strftime("%Y-%m-%d"),
        "lapsed_before": cutoff.strftime("%Y-%m-%d"),
        "lapsed_days": LAPSED_DAYS,
        "all": group(df, "All customers"),
        "segments": [group(df[df[SEGMENT_COLUMN] == s], s) for s in segments],
    }


def niches(df, segments):
    n = len(df)
    value = df["revenue"]
    overall = value.mean()
    candidates = []
    for s in segments:
        inside = df[SEGMENT_COLUMN] == s
        candidates.append((s, None, None, s, inside))
        for column in CATEGORIES:
            levels = df[column].astype(str).where(df[column].notna())
            for level in sorted(levels[inside].dropna().unique()):
                mask = inside & (levels == level)
                if mask.sum() == inside.sum():
                    continue
                if column in FLAGS:
                    cut = ("with " if level == "true" else "without ") + words(column)
                else:
                    cut = f"{words(column)} {level}"
                candidates.append((s, column, level, f"{s}, {cut}", mask))
    tested = []
    for s, column, level, label, mask in candidates:
        size = int(mask.sum())
        if not (MIN_SHARE <= size / n <= MAX_SHARE):
            continue
        w = welch(value[mask].dropna().to_numpy(), value[~mask].dropna().to_numpy())
        if w is None:
            continue
        tested.append({"segment": s, "column": column, "level": level, "label": label, "size": size,
                       "share": size / n, "mean": float(value[mask].mean()),
                       "index": float(value[mask].mean() / overall * 100), "p_value": w["p_value"]})
    adjusted = multipletests([t["p_value"] for t in tested], method="fdr_bh")[1]
    for t, a in zip(tested, adjusted):
        t["adjusted_p"] = float(a)
    found = [t for t in tested if t["index"] >= MIN_INDEX and t["adjusted_p"] <= ALPHA]
    found.sort(key=lambda t: (-t["index"], -t["size"], t["label"]))
    return {"overall_mean": float(overall), "candidates": len(tested), "niches": found}


def main():
    path = aggregate(sys.argv[1])
    df = pd.read_csv(path, dtype={"customer_id": str}, parse_dates=["signup_date"] + DATES[1:])
    df["email_opt_in"] = df["email_opt_in"].map({True: "true", False: "false"})
    segments = sorted(df[SEGMENT_COLUMN].unique())
    reference = {
        "versions": {"pandas": pd.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
                     "statsmodels": statsmodels.__version__},
        "segment_column": SEGMENT_COLUMN,
        "numbers": NUMBERS,
        "categories": CATEGORIES,
        "dates": DATES,
        "skipped": SKIPPED,
        "customers": len(df),
        "profile": profile(df, segments),
        "kpis": kpis(df, segments),
        "niches": niches(df, segments),
    }
    with open(os.path.join(HERE, "profile_reference.json"), "w") as f:
        json.dump(reference, f, indent=1, allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
