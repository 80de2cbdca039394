"""scikit-learn's KMeans on the benchmark's matrix, one thread: the peer of the engine's bench_kmeans example.

    python3 bench/sklearn_kmeans.py MATRIX.f64 [K] [REPEATS]

MATRIX.f64 is what bench_kmeans writes (little-endian float64, 6 a row). Fits KMeans(k, init="k-means++", n_init=1,
algorithm="lloyd", random_state=0) REPEATS times (default 3) inside threadpoolctl's threadpool_limits(1) (OpenMP and
BLAS at one thread), and as many fits stopped after one iteration; prints one JSON object like bench_kmeans's.
"""
import json
import os
import statistics
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_info, threadpool_limits


def main():
    path = sys.argv[1]
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    x = np.fromfile(path, dtype="<f8").reshape(-1, 6)
    with threadpool_limits(limits=1):
        times, fit = [], None
        for _ in range(repeats):
            t = time.perf_counter()
            fit = KMeans(n_clusters=k, init="k-means++", n_init=1, algorithm="lloyd", random_state=0).fit(x)
            times.append((time.perf_counter() - t) * 1e3)
        one = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for _ in range(repeats):
                t = time.perf_counter()
                KMeans(n_clusters=k, init="k-means++", n_init=1, algorithm="lloyd", random_state=0, max_iter=1).fit(x)
                one.append((time.perf_counter() - t) * 1e3)
        pools = [(p["internal_api"], p["num_threads"]) for p in threadpool_info()]
    ms, one_ms = statistics.median(times), statistics.median(one)
    n_iter = int(fit.n_iter_)
    print(json.dumps({
        "sklearn_version": sklearn.__version__, "numpy_version": np.__version__, "rows": int(x.shape[0]), "k": k,
        "fit_ms": round(ms, 2), "n_iter": n_iter, "inertia": float(fit.inertia_),
        "one_iteration_fit_ms": round(one_ms, 2),
        "ms_per_iteration": round((ms - one_ms) / (n_iter - 1), 3) if n_iter > 1 else None,
        "sizes": sorted(np.bincount(fit.labels_, minlength=k).tolist()), "runs": repeats,
        "threadpools_inside_limit": pools, "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
    }))


if __name__ == "__main__":
    main()
