#!/usr/bin/env python3
"""Writes gmm_reference.json: scikit-learn's GaussianMixture (full covariances, k-means initialisation,
reg_covar=1e-6) on iris.csv and wine.csv (written by make_reference.py: the sets shipped with scikit-learn,
z-scored), k = 2..4, run to convergence (tol=1e-10, max_iter=2000) from random_state 0..9: the mean log-likelihood
of each fit (`score(X)`) and its weights. Which local optimum a fit finds depends on its initialisation, so the test
compares the best of ten. Also one fit from a start both sides can make: the rows ordered by their first feature
(a stable sort) and cut into k runs of nearly equal length, the labels of which are written too, and the start's
weights, means and precisions taken from them as scikit-learn's `_estimate_gaussian_parameters` takes them. Run from
this folder with scikit-learn installed:
    python3 make_gmm_reference.py
"""
import json

import numpy as np
import sklearn
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters

out = {"sklearn": sklearn.__version__, "covariance_type": "full", "reg_covar": 1e-6, "tol": 1e-10,
       "random_state": "0..9", "sets": {}}
for name in ("iris", "wine"):
    x = np.loadtxt(f"{name}.csv", delimiter=",", skiprows=1)
    fits = {}
    for k in range(2, 5):
        runs = []
        for seed in range(10):
            gm = GaussianMixture(n_components=k, covariance_type="full", tol=1e-10, max_iter=2000,
                                 reg_covar=1e-6, random_state=seed).fit(x)
            runs.append({"log_likelihood": float(gm.score(x)), "weights": sorted(float(w) for w in gm.weights_),
                         "converged": bool(gm.converged_)})
        fits[str(k)] = runs
        order = np.argsort(x[:, 0], kind="stable")
        labels = np.empty(len(x), dtype=int)
        for j, run in enumerate(np.array_split(order, k)):
            labels[run] = j
        resp = np.eye(k)[labels]
        nk, means, covariances = _estimate_gaussian_parameters(x, resp, 1e-6, "full")
        gm = GaussianMixture(n_components=k, covariance_type="full", tol=1e-10, max_iter=2000, reg_covar=1e-6,
                             weights_init=nk / len(x), means_init=means,
                             precisions_init=np.array([np.linalg.inv(c) for c in covariances])).fit(x)
        fits[f"{k}_start"] = {"labels": [int(v) for v in labels], "log_likelihood": float(gm.score(x)),
                              "weights": [float(w) for w in gm.weights_], "converged": bool(gm.converged_)}
    out["sets"][name] = fits
with open("gmm_reference.json", "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")
