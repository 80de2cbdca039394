#!/usr/bin/env python3
"""Writes the k-means reference: iris.csv and wine.csv (the data sets shipped with scikit-learn) z-scored with
StandardScaler, and kmeans_reference.json with scikit-learn's KMeans inertia for k = 2..6 (n_init=10, lloyd) for
random_state 0..9: which local optimum a seed finds depends on the random numbers, so the test compares the
best and the median over ten seeds. Run from this folder with scikit-learn installed:
    python3 make_reference.py
"""
import json

import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import load_iris, load_wine
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.preprocessing import StandardScaler

quality = {"sklearn": sklearn.__version__, "sets": {}}
out = {"sklearn": sklearn.__version__, "n_init": 10, "algorithm": "lloyd", "random_state": "0..9", "sets": {}}
for name, load in [("iris", load_iris), ("wine", load_wine)]:
    data = load()
    x = StandardScaler().fit_transform(data.data)
    with open(f"{name}.csv", "w") as f:
        f.write(",".join(n.replace(" ", "_").replace("/", "_") for n in data.feature_names) + "\n")
        for row in x:
            f.write(",".join(repr(float(v)) for v in row) + "\n")
    inertia = {}
    for k in range(2, 7):
        inertia[str(k)] = [
            KMeans(n_clusters=k, n_init=10, algorithm="lloyd", random_state=seed).fit(x).inertia_ for seed in range(10)
        ]
    out["sets"][name] = inertia
    quality["sets"][name] = {}
    for k in (3, 5):
        labels = KMeans(n_clusters=k, n_init=10, algorithm="lloyd", random_state=0).fit(x).labels_
        quality["sets"][name][str(k)] = {
            "labels": [int(v) for v in labels],
            "silhouette": silhouette_score(x, labels),
            "calinski_harabasz": calinski_harabasz_score(x, labels),
            "davies_bouldin": davies_bouldin_score(x, labels),
        }
with open("kmeans_reference.json", "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")
with open("quality_reference.json", "w") as f:
    json.dump(quality, f)
    f.write("\n")
