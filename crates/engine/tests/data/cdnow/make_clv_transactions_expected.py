"""Reference for fitting BG/NBD straight from the CDNOW transactions, as the app and `segscope clv` do.

Segscope's stated rule is that purchases are rows with a positive amount, so the 8 zero-amount rows of
`cdnow_sample.csv` are left out (lifetimes' published summary counts them; see make_clv_expected.py).
This script applies that rule, builds the 39-week calibration summary with lifetimes 0.11.3's
`summary_data_from_transaction_data` (in days, divided by 7 for weeks), fits `BetaGeoFitter` and
writes `clv_transactions_expected.json`.

Run: python3 -m venv v && v/bin/pip install lifetimes==0.11.3 && v/bin/python make_clv_transactions_expected.py
"""
import json
import os

import pandas as pd
from lifetimes import BetaGeoFitter
from lifetimes.utils import summary_data_from_transaction_data

HERE = os.path.dirname(os.path.abspath(__file__))
df = pd.read_csv(os.path.join(HERE, "cdnow_sample.csv"), dtype={"customer_id": str})
df["order_date"] = pd.to_datetime(df["order_date"].astype(str), format="%Y%m%d")
df = df[df["amount"] > 0]
cal = df[df["order_date"] <= "1997-09-30"]
s = summary_data_from_transaction_data(cal, "customer_id", "order_date", observation_period_end="1997-09-30", freq="D")
bgf = BetaGeoFitter(penalizer_coef=0.0).fit(s["frequency"], s["recency"] / 7, s["T"] / 7)
out = {
    "reference": "lifetimes 0.11.3",
    "calibration_end": "1997-09-30",
    "unit": "weeks",
    "customers": int(len(s)),
    "bgnbd": {k: float(v) for k, v in bgf.params_.items()},
}
with open(os.path.join(HERE, "clv_transactions_expected.json"), "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")
