#!/usr/bin/env python3
"""Writes anes96.csv and kprototypes_reference.json: k-prototypes (Huang 1998) as the `kmodes` package 0.12.2
fits it, on a real mixed data set, for tests/kprototypes_reference.rs.

The data: the 1996 American National Election Study extract shipped with statsmodels
(`statsmodels.datasets.anes96`, 944 respondents, public domain, http://www.electionstudies.org/). Four numbers:
`logpopul` (ln of the census place population in 1000s + 0.1), `TVnews` (days a week watching TV news), `age`,
`income` (24 ordered brackets); three categories, written as their codes: `PID` (party identification, 0 strong
Democrat .. 6 strong Republican), `educ` (1 grades 1-8 .. 7 PhD), `vote` (0 Clinton, 1 Dole).

The numbers are z-scored with scikit-learn's StandardScaler; the categories are given to kmodes as they are (it
encodes each column's values in sorted order, as the engine's sorted categorical dictionary does), with the
default gamma (0.5 x the mean standard deviation of the numbers). Recorded for k = 2..5:
- `start`: one run from fixed starting centres, the rows j * n // k (j = 0..k-1), as
  `KPrototypes(init=[numbers, codes], n_init=1)`: the labels, cost, n_iter, epoch costs and final numeric centres;
- `huang`: `KPrototypes(init='Huang', n_init=10, random_state=s)` for s = 0..4: each best cost.
Run from this folder with kmodes 0.12.2, scikit-learn and statsmodels installed:
    python3 make_kprototypes_reference.py
"""
import json

import kmodes
import numpy as np
import sklearn
import statsmodels
import statsmodels.api as sm
from kmodes.kprototypes import KPrototypes
from sklearn.preprocessing import StandardScaler

NUMBERS = ["logpopul", "TVnews", "age", "income"]
CATEGORIES = ["PID", "educ", "vote"]

data = sm.datasets.anes96.load_pandas().data
with open("anes96.csv", "w") as f:
    f.write(",".join(NUMBERS + CATEGORIES) + "\n")
    for _, row in data.iterrows():
        values = [repr(float(row["logpopul"]))] + [str(int(row[c])) for c in NUMBERS[1:] + CATEGORIES]
        f.write(",".join(values) + "\n")

num = StandardScaler().fit_transform(data[NUMBERS].to_numpy(dtype=float))
cat = data[CATEGORIES].to_numpy(dtype=int)
x = np.hstack([num, cat.astype(float)])
categorical = list(range(len(NUMBERS), len(NUMBERS) + len(CATEGORIES)))
# kmodes' encoding of the categories: each column's values in sorted order.
codes = np.column_stack([np.searchsorted(np.unique(cat[:, j]), cat[:, j]) for j in range(cat.shape[1])])
n = len(x)

out = {"kmodes": kmodes.__version__, "sklearn": sklearn.__version__, "statsmodels": statsmodels.__version__,
       "numbers": NUMBERS, "categories": CATEGORIES, "rows": n, "k": {}}
for k in range(2, 6):
    rows = [j * n // k for j in range(k)]
    kp = KPrototypes(n_clusters=k, init=[num[rows].copy(), codes[rows].copy()], n_init=1)
    kp.fit(x, categorical=categorical)
    start = {"rows": rows, "gamma": float(kp.gamma), "cost": float(kp.cost_), "n_iter": int(kp.n_iter_),
             "epoch_costs": [float(c) for c in kp.epoch_costs_], "labels": [int(v) for v in kp.labels_],
             "numeric_centres": [[float(v) for v in c] for c in kp._enc_cluster_centroids[0]],
             "category_centres": [[int(v) for v in c] for c in kp._enc_cluster_centroids[1]]}
    huang = []
    for seed in range(5):
        kp = KPrototypes(n_clusters=k, init="Huang", n_init=10, random_state=seed).fit(x, categorical=categorical)
        huang.append(float(kp.cost_))
    out["k"][str(k)] = {"start": start, "huang": huang}
    print(k, start["cost"], start["n_iter"], min(huang), huang)
with open("kprototypes_reference.json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
