"""Reference files for Segscope's BG/NBD + Gamma-Gamma tests, from the `lifetimes` package.

The CDNOW sample summary (2,357 customers, 39-week calibration: x repeat purchases, t_x recency and
T age in weeks, zbar mean repeat spend) ships with lifetimes 0.11.3 as
`datasets/cdnow_customers_summary_with_transactions.csv`. This script copies it to
`cdnow_summary.csv`, fits lifetimes' BetaGeoFitter and GammaGammaFitter (no penalizer) and writes
the parameters, total log-likelihoods and per-customer predictions to `clv_expected.json` and
`clv_expected_customers.csv`.

Run in a virtual environment: python3 -m venv v && v/bin/pip install lifetimes==0.11.3 && v/bin/python make_clv_expected.py
(seen with lifetimes 0.11.3, numpy 2, scipy 1.16, pandas 2/3).
"""
import json
import os

import lifetimes
import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter

HERE = os.path.dirname(os.path.abspath(__file__))
src = os.path.join(os.path.dirname(lifetimes.__file__), "datasets", "cdnow_customers_summary_with_transactions.csv")
df = pd.read_csv(src)
df.to_csv(os.path.join(HERE, "cdnow_summary.csv"), index=False, lineterminator="\n")

bgf = BetaGeoFitter(penalizer_coef=0.0).fit(df["x"], df["t_x"], df["T"])
n = len(df)
# The total log-likelihood at the fitted parameters, with lifetimes' own formula (its fit stores a
# rescaled value, so evaluate the formula directly).
ones = np.ones(n)
bg_ll = -BetaGeoFitter._negative_log_likelihood(np.log(bgf.params_.values), df["x"].values, df["t_x"].values, df["T"].values, ones, 0.0) * n
repeat = df[df["x"] > 0]
ggf = GammaGammaFitter(penalizer_coef=0.0).fit(repeat["x"], repeat["zbar"])
gg_ll = -ggf._negative_log_likelihood_ * len(repeat)

out = df[["ID"]].copy()
out["expected_39"] = np.asarray(bgf.conditional_expected_number_of_purchases_up_to_time(39, df["x"], df["t_x"], df["T"]))
out["p_alive"] = np.asarray(bgf.conditional_probability_alive(df["x"], df["t_x"], df["T"]))
out["expected_avg_profit"] = np.where(df["x"] > 0, np.asarray(ggf.conditional_expected_average_profit(df["x"], df["zbar"])), np.nan)
clv = ggf.customer_lifetime_value(bgf, repeat["x"], repeat["t_x"], repeat["T"], repeat["zbar"], time=12, discount_rate=0.01, freq="W")
out["clv_12m"] = np.nan
out.loc[repeat.index, "clv_12m"] = np.asarray(clv)
out.to_csv(os.path.join(HERE, "clv_expected_customers.csv"), index=False, float_format="%.10g", lineterminator="\n")

expected = {
    "reference": f"lifetimes {lifetimes.__version__}",
    "bgnbd": {k: float(v) for k, v in bgf.params_.items()} | {"log_likelihood": float(bg_ll)},
    "gamma_gamma": {k: float(v) for k, v in ggf.params_.items()} | {"log_likelihood": float(gg_ll)},
    "unconditional_expected_39": float(bgf.expected_number_of_purchases_up_to_time(39)),
}
with open(os.path.join(HERE, "clv_expected.json"), "w") as f:
    json.dump(expected, f, indent=2)
    f.write("\n")
print(json.dumps(expected, indent=2))
