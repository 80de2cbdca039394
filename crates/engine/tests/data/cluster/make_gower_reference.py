#!/usr/bin/env python3
"""Writes gower_reference.json: the mean silhouette under Gower's distance of fixed groupings of
anes96.csv (written by make_kprototypes_reference.py), as the `gower` package 0.1.2 measures the
distances and scikit-learn's `silhouette_score(metric="precomputed")` scores them, for
tests/kprototypes_reference.rs.

Gower's distance between two rows: the mean over features of |a - b| / the feature's range for a
number, and 0 or 1 (same value or not) for a category. `gower` computes it in float32, so the test
allows 1e-5. The groupings are simple rules on the data (no clustering involved), so the reference
tests the score alone. Run from this folder with gower 0.1.2, pandas and scikit-learn installed:
    python3 make_gower_reference.py
"""
import json

import gower
import numpy as np
import pandas as pd
import sklearn
from sklearn.metrics import silhouette_score

NUMBERS = ["logpopul", "TVnews", "age", "income"]
CATEGORIES = ["PID", "educ", "vote"]

data = pd.read_csv("anes96.csv")
for c in CATEGORIES:
    data[c] = data[c].astype(str)
distances = gower.gower_matrix(data[NUMBERS + CATEGORIES], cat_features=[False] * 4 + [True] * 3)
groupings = {
    # Dole voters or not, by age above 45 or not: four groups.
    "vote_by_age": (data["vote"].astype(int) * 2 + (data["age"] > 45).astype(int)).to_numpy(),
    # Party identification in three bands (Democrat 0-2, independent 3, Republican 4-6).
    "party_bands": np.digitize(data["PID"].astype(int), [3, 4]),
}
out = {"gower": "0.1.2", "sklearn": sklearn.__version__, "rows": len(data), "groupings": {}}
for name, labels in groupings.items():
    out["groupings"][name] = {
        "labels": [int(v) for v in labels],
        "silhouette": float(silhouette_score(distances.astype(np.float64), labels, metric="precomputed")),
    }
with open("gower_reference.json", "w") as f:
    json.dump(out, f)
    f.write("\n")
