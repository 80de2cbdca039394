"""Expected values for crates/engine/tests/significance_reference.rs.

Run from this folder with python3 (numpy, scipy, statsmodels):

    python3 make_significance_reference.py

It writes significance_reference.json: seeded samples (numpy's default_rng(0)) and tables, with what
scipy's ttest_ind(equal_var=False), ttest_ind_from_stats, mannwhitneyu(method="asymptotic"),
chi2_contingency and contingency.association(method="cramer") and statsmodels' multipletests
(fdr_bh, holm) return for them. Cohen's d and Hedges' g follow pingouin's compute_effsize (pooled
standard deviation; g = d * (1 - 3 / (4 (n1 + n2) - 9))); the rank-biserial correlation follows
pingouin's mwu (1 - 2 U2 / (n1 n2)). The versions used are recorded in the file.
"""

import json

import numpy as np
import scipy
import statsmodels
from scipy import stats
from scipy.stats.contingency import association
from statsmodels.stats.multitest import multipletests

rng = np.random.default_rng(0)


def rounded(values, decimals=4):
    """Short decimals, so the file stays small and both sides read the very same numbers."""
    return [float(v) for v in np.round(values, decimals)]


def welch(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    r = stats.ttest_ind(x, y, equal_var=False)
    n1, n2 = len(x), len(y)
    v1, v2 = np.var(x, ddof=1), np.var(y, ddof=1)
    pooled = np.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2))
    d = (np.mean(x) - np.mean(y)) / pooled
    return {
        "statistic": float(r.statistic),
        "df": float(r.df),
        "p_value": float(r.pvalue),
        "cohens_d": float(d),
        "hedges_g": float(d * (1 - 3 / (4 * (n1 + n2) - 9))),
    }


def mann_whitney(x, y):
    r = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic", use_continuity=True)
    u1 = float(r.statistic)
    u2 = len(x) * len(y) - u1
    return {"u": u1, "p_value": float(r.pvalue), "rank_biserial": 1 - 2 * u2 / (len(x) * len(y))}


samples = []


def sample_case(name, x, y, stored):
    """stored: how the Rust test gets the values: 'values', 'counts' or 'formula'."""
    case = {"name": name, "welch": welch(x, y), "mann_whitney": mann_whitney(x, y)}
    if stored == "values":
        case["x"], case["y"] = [float(v) for v in x], [float(v) for v in y]
    elif stored == "counts":
        case["x_counts"] = [[float(v), int(c)] for v, c in zip(*np.unique(x, return_counts=True))]
        case["y_counts"] = [[float(v), int(c)] for v, c in zip(*np.unique(y, return_counts=True))]
    samples.append(case)
    return case


sample_case("normal, different means", rounded(rng.normal(10, 2, 40)), rounded(rng.normal(11, 3, 55)), "values")
sample_case("normal, different variances", rounded(rng.normal(0, 1, 200)), rounded(rng.normal(0.1, 5, 150)), "values")
sample_case("lognormal, skewed", rounded(rng.lognormal(0, 1, 300)), rounded(rng.lognormal(0.2, 1.2, 250)), "values")
sample_case(
    "integers 0..5, heavy ties",
    [float(v) for v in rng.integers(0, 6, 80)],
    [float(v) for v in rng.choice(6, 120, p=[0.1, 0.1, 0.2, 0.2, 0.2, 0.2])],
    "values",
)
sample_case("tiny, 2 vs 3", [1.5, 2.25], [0.5, 4.0, 6.75], "values")
sample_case("tiny, 3 vs 4 with a tie", [3.0, 1.0, 2.0], [2.0, 5.0, 4.0, 7.5], "values")
sample_case("one constant group", [2.0, 2.0, 2.0, 2.0], rounded(rng.normal(3, 1, 6)), "values")
sample_case("normal, 5,000 vs 7,000", rounded(rng.normal(100, 15, 5000), 3), rounded(rng.normal(100.6, 16, 7000), 3), "values")
sample_case("far tail, t near 35", rounded(rng.normal(0, 1, 2000)), rounded(rng.normal(1.1, 1, 2000)), "values")
sample_case(
    "integers 0..5, 100,000 vs 80,000",
    [float(v) for v in rng.choice(6, 100_000, p=[0.3, 0.2, 0.2, 0.1, 0.1, 0.1])],
    [float(v) for v in rng.choice(6, 80_000, p=[0.29, 0.2, 0.2, 0.11, 0.1, 0.1])],
    "counts",
)
# 1,000,000 vs 4,000,000 values the Rust test makes itself: x_i = (7919 i mod 1009) / 10 for
# i < 1,000,000 and y_j = (104729 j mod 1013) / 10 for j < 4,000,000.
big_x = (np.arange(1_000_000, dtype=np.int64) * 7919 % 1009) / 10
big_y = (np.arange(4_000_000, dtype=np.int64) * 104729 % 1013) / 10
sample_case("1,000,000 vs 4,000,000 by formula", big_x, big_y, "formula")

moments = []
for first, second in [
    ((1_000_000, 52.5, 310.25), (4_000_000, 52.1, 298.0)),
    ((12, 3.0, 0.0), (30, 2.5, 1.5)),
    ((2, 10.0, 2.0), (3, 0.0, 8.0)),
    ((50_000, 1.0, 1.0), (2_000, 0.0, 2.0)),
]:
    r = stats.ttest_ind_from_stats(
        first[1], np.sqrt(first[2]), first[0], second[1], np.sqrt(second[2]), second[0], equal_var=False
    )
    moments.append({
        "first": dict(zip(["n", "mean", "variance"], first)),
        "second": dict(zip(["n", "mean", "variance"], second)),
        "statistic": float(r.statistic),
        "p_value": float(r.pvalue),
    })

tables = []


def table_case(name, rows, segment_vs_rest=None):
    rows = [[int(c) for c in r] for r in rows]
    case = {"name": name, "rows": rows}
    if segment_vs_rest is not None:
        case["segment"], case["all"] = [int(c) for c in segment_vs_rest[0]], [int(c) for c in segment_vs_rest[1]]
    for key, correction in [("yates", True), ("plain", False)]:
        r = stats.chi2_contingency(rows, correction=correction)
        case[key] = {"statistic": float(r.statistic), "df": int(r.dof), "p_value": float(r.pvalue)}
    case["cramers_v"] = float(association(rows, method="cramer"))
    tables.append(case)


table_case("2x2", [[12, 5], [7, 15]])
table_case("2x2, small expected counts", [[3, 1], [1, 4]])
table_case("2x2, no difference", [[10, 20], [20, 40]])
every = rng.multinomial(2_000, [0.3, 0.25, 0.2, 0.15, 0.1])
every = np.insert(every, 2, 0)  # a level nobody has: the helper leaves it out
inside = rng.binomial(every, [0.12, 0.1, 0.0, 0.1, 0.08, 0.2])
table_case("2x5, segment vs rest", [inside[every > 0], (every - inside)[every > 0]], (inside, every))
small = rng.poisson([[0.8, 2, 3, 1.2, 5, 0.6], [1, 2, 2, 3, 4, 1], [4, 3, 1, 0.7, 2, 2], [0.9, 5, 6, 2, 1, 3]])
table_case("4x6, small expected counts", small)
table_case("2x3, far tail", [[1100, 700, 450], [450, 700, 1100]])
table_case("2x3, p near 1e-290", [[2700, 1715, 1100], [1100, 1715, 2700]])
table_case("2x3, p below the smallest double", [[5000, 3000, 2000], [2000, 3000, 5000]])

p_values = [c["welch"]["p_value"] for c in samples] + [c["mann_whitney"]["p_value"] for c in samples]
p_values += [c["plain"]["p_value"] for c in tables] + [float(p) for p in rng.uniform(0, 1, 12)]
p_values += [0.01, 0.01, 0.04, 1.0, 0.0]
corrections = []
for ps in [p_values, [0.04, 0.01, 0.03], [0.5]]:
    corrections.append({
        "p_values": ps,
        "fdr_bh": [float(p) for p in multipletests(ps, method="fdr_bh")[1]],
        "holm": [float(p) for p in multipletests(ps, method="holm")[1]],
    })

out = {
    "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
    "samples": samples,
    "moments": moments,
    "tables": tables,
    "corrections": corrections,
}
with open("significance_reference.json", "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
