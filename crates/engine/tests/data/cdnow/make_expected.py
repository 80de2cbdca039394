"""Reference files for Segscope's RFM tests, computed with pandas from the CDNOW sample.

The CDNOW sample (2,357 customers, 1/10th of the CDNOW data set) ships with the `lifetimes` Python
package; this script takes it from the package's wheel (`pip download --no-deps lifetimes==0.11.3`),
writes it as `cdnow_sample.csv` (customer_id kept as written, with leading zeros; dates as
YYYYMMDD), and computes RFM with the rules Segscope states:

- as of: the day after the last transaction in the file;
- a purchase is a row with a positive amount; recency_days = as-of minus the last purchase, in
  days; frequency = purchase rows (no order id column); monetary = total amount (returns netted);
- rank method: score = 1 + floor(B * w / N), w = customers with a strictly worse value;
- quantile-equal-count: pandas.qcut(rank(method="first"), B, labels=1..B), rows sorted by customer key;
- named segments from the default 5-bin map.

Run: python3 make_expected.py   (pandas 3.1.1, lifetimes 0.11.3 wheel)
"""
import glob
import io
import math
import os
import subprocess
import tempfile
import zipfile

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
B = 5
MAP = [
    ("Champions", [5], [4, 5]),
    ("Loyal", [3, 4], [4, 5]),
    ("Potential loyalists", [4, 5], [2, 3]),
    ("New customers", [5], [1]),
    ("Promising", [4], [1]),
    ("Need attention", [3], [3]),
    ("About to sleep", [3], [1, 2]),
    ("At risk", [1, 2], [3, 4]),
    ("Can't lose them", [1, 2], [5]),
    ("Hibernating", [1, 2], [1, 2]),
]


def cdnow_text():
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["pip", "download", "--no-deps", "-q", "lifetimes==0.11.3", "-d", d], check=True)
        wheel = glob.glob(os.path.join(d, "*.whl"))[0]
        return zipfile.ZipFile(wheel).read("lifetimes/datasets/CDNOW_sample.txt").decode()


def segment(r, f):
    for name, rs, fs in MAP:
        if r in rs and f in fs:
            return name
    raise ValueError((r, f))


def rank_score(values, lower_is_better):
    n = len(values)
    s = pd.Series(values)
    # w = customers with a strictly worse value.
    if lower_is_better:
        worse = s.apply(lambda v: int((s > v).sum()))
    else:
        worse = s.apply(lambda v: int((s < v).sum()))
    return worse.apply(lambda w: 1 + math.floor(B * w / n))


def quantile_score(values, lower_is_better):
    s = pd.Series(values)
    ranks = (-s if lower_is_better else s).rank(method="first")
    return pd.qcut(ranks, B, labels=list(range(1, B + 1))).astype(int)


def main():
    raw = pd.read_csv(io.StringIO(cdnow_text()), sep=r"\s+", header=None, names=["customer_id", "id2", "order_date", "quantity", "amount"], dtype={"customer_id": str, "order_date": str})
    raw[["customer_id", "order_date", "quantity", "amount"]].to_csv(os.path.join(HERE, "cdnow_sample.csv"), index=False)
    df = raw.assign(date=pd.to_datetime(raw.order_date, format="%Y%m%d"))
    as_of = df.date.max() + pd.Timedelta(days=1)
    purchases = df[df.amount > 0]
    per = (
        df.groupby("customer_id")
        .agg(monetary=("amount", "sum"))
        .join(purchases.groupby("customer_id").agg(last=("date", "max"), frequency=("amount", "size")))
        .sort_index()
    )
    # Customers whose rows are all zero amounts have no purchase: "No purchases", not scored.
    buyers = per[per.frequency.notna()].copy()
    buyers["recency_days"] = (as_of - buyers["last"]).dt.days
    for method, score in [("rank", rank_score), ("quantile", quantile_score)]:
        out = per.copy().astype({"monetary": float})
        out["recency_days"] = ""
        out["frequency"] = out.frequency.fillna(0).astype(int)
        for col in ["r_score", "f_score", "m_score"]:
            out[col] = ""
        out["rfm_segment"] = "No purchases"
        r = score(buyers.recency_days.values, True).values
        f = score(buyers.frequency.values.astype(int), False).values
        m = score(buyers.monetary.values, False).values
        out.loc[buyers.index, "recency_days"] = buyers.recency_days.astype(int).astype(str)
        out.loc[buyers.index, "r_score"] = [str(x) for x in r]
        out.loc[buyers.index, "f_score"] = [str(x) for x in f]
        out.loc[buyers.index, "m_score"] = [str(x) for x in m]
        out.loc[buyers.index, "rfm_segment"] = [segment(a, b) for a, b in zip(r, f)]
        out["monetary"] = out.monetary.map(lambda x: f"{x:.2f}")
        out = out.reset_index()[["customer_id", "recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "rfm_segment"]]
        out.to_csv(os.path.join(HERE, f"rfm_expected_{method}.csv"), index=False, lineterminator="\n")
    print("as of", as_of.date(), "customers", len(per), "with purchases", len(buyers))


if __name__ == "__main__":
    main()
