"""The benchmark table of scripts/bench.sh (issue #14): runs the native steps, takes the page steps' JSON from
bench/browser.mjs, prints one table and writes it as JSON.

    python3 bench/bench.py --segscope target/release/segscope --bench-rules target/release/examples/bench_rules \
        --sizes 100000,1000000 --work .bench --json .bench/results.json [--browser-json FILE ...]

For each size N it expects the sample in WORK/N/ (customers.csv, transactions.csv, rules.duckdb.sql: made by
scripts/bench.sh). Native steps, each command a whole process (time and peak memory from os.wait4: wall clock and the
child's maximum resident set size):
  - rule recount: the engine's bench_rules example (median of 21 re-evaluations) against DuckDB running the SQL
    Segscope exports (bench/duckdb_rules.py, 1 thread, median of 21) -- the figures scripts/bench.sh always printed;
  - RFM, read + RFM + write of transactions.csv: `segscope rfm` against polars and DuckDB (bench/native_rfm.py),
    median of 3 runs each (1 at more than 1,000,000 customers); the peers' recency/frequency/monetary are checked
    against Segscope's for every customer.
  - k-means on WORK/N/kmeans.f64 (the sample's first N customers as 6 standardised features, written by the engine's
    bench_kmeans example), k = 6, one k-means++ init: bench_kmeans (Hamerly, the default, and Lloyd; median of 3) against
    scikit-learn's KMeans (bench/sklearn_kmeans.py: algorithm="lloyd", threadpoolctl at 1 thread, median of 3), each
    also stopped after one iteration for the time of one iteration.
A step that fails is a row with its reason; the run goes on.
"""
import argparse
import csv
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
KM_K = 6
KM_FIT = f"k-means fit, {KM_K} clusters, 1 init (native)"
KM_ITER = "k-means one iteration (native)"
KM_FIT_PAGE = f"k-means fit, {KM_K} clusters, 1 init (page)"
KM_ITER_PAGE = "k-means one iteration (page)"


def run_wait4(cmd, timeout=600):
    """Runs cmd; returns (wall ms, peak RSS MB of that process). Raises RuntimeError with the reason on failure."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = t0 + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            raise RuntimeError(f"timed out after {timeout} s")
        time.sleep(0.005)
    ms = (time.perf_counter() - t0) * 1e3
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"exit {proc.returncode}: {err.strip()[-400:]}")
    return ms, usage.ru_maxrss / 1024  # ru_maxrss is in KB on Linux


def read_rfm(path):
    """customer_id -> (recency_days, frequency, monetary as Decimal) from an RFM CSV."""
    with open(path, newline="", encoding="utf-8") as f:
        return {
            r["customer_id"]: (int(r["recency_days"]), int(r["frequency"]), Decimal(r["monetary"]))
            for r in csv.DictReader(f)
        }


def compare_rfm(ours, theirs):
    """None when every customer's R, F and M agree (M to the cent), else a sentence with the first difference."""
    if ours.keys() != theirs.keys():
        only = sorted(ours.keys() ^ theirs.keys())
        return f"different customers ({len(ours)} vs {len(theirs)}; e.g. {only[:3]})"
    for k, v in ours.items():
        w = theirs[k]
        if v[0] != w[0] or v[1] != w[1] or abs(v[2] - w[2]) > Decimal("0.005"):
            return f"customer {k}: segscope {v}, peer {w}"
    return None


def row(step, size, tool, ms=None, peak=None, runs=None, failed=None, **extra):
    return {"step": step, "size": size, "tool": tool, "median_ms": ms, "peak_mb": peak, "runs": runs,
            "failed": failed, **extra}


def native_steps(args, n, rows, notes):
    work = Path(args.work) / str(n)
    customers, transactions = work / "customers.csv", work / "transactions.csv"
    definition = "examples/segments/sample-lifestyle.json"

    # Rule recount (the figures scripts/bench.sh printed before the table existed).
    try:
        out = subprocess.run([args.bench_rules, customers, definition, "21"], capture_output=True, text=True, check=True)
        j = json.loads(out.stdout)
        rows.append(row("rule recount (native)", n, "segscope", j["evaluate_ms"], None, 21, segments=j["segments"]))
        rows.append(row("read customers (native, bench_rules)", n, "segscope", j["ingest_ms"], None, 1))
    except (subprocess.CalledProcessError, ValueError, KeyError) as e:
        rows.append(row("rule recount (native)", n, "segscope", failed=reason(e)))
    try:
        out = subprocess.run([args.python, HERE / "duckdb_rules.py", customers, work / "rules.duckdb.sql", "21"],
                             capture_output=True, text=True, check=True)
        j = json.loads(out.stdout)
        rows.append(row("rule recount (native)", n, f"duckdb {j['duckdb_version']} (1 thread)", j["duckdb_ms"], None, 21))
    except (subprocess.CalledProcessError, ValueError, KeyError) as e:
        rows.append(row("rule recount (native)", n, "duckdb (1 thread)", failed=reason(e)))

    # RFM: read + RFM + write, whole process.
    repeats = 3 if n <= 1_000_000 else 1
    timeout = 120 + n // 1000  # 10 minutes at 480,000 customers, 18 at 1,000,000
    tools = [
        ("segscope rfm (1 thread)", lambda o: [args.segscope, "rfm", "--transactions", transactions, "--output", o]),
        (f"polars {version('polars')}", lambda o: [args.python, HERE / "native_rfm.py", "polars", transactions, o]),
        (f"duckdb {version('duckdb')}", lambda o: [args.python, HERE / "native_rfm.py", "duckdb", transactions, o]),
    ]
    ours = None
    for name, cmd in tools:
        out = work / f"rfm.{name.split()[0]}.csv"
        try:
            runs = [run_wait4(cmd(out), timeout) for _ in range(repeats)]
        except RuntimeError as e:
            rows.append(row("RFM read+score+write (native)", n, name, failed=reason(e)))
            continue
        r = row("RFM read+score+write (native)", n, name, statistics.median(t for t, _ in runs),
                max(m for _, m in runs), repeats)
        try:
            values = read_rfm(out)
            if ours is None and name.startswith("segscope"):
                ours = values
                r["customers"] = len(values)
            elif ours is not None:
                diff = compare_rfm(ours, values)
                r["agrees_with_segscope"] = diff is None
                notes.append(f"{n:,} customers: {name} RFM values "
                             + ("agree with segscope's for every customer (recency, frequency, monetary)"
                                if diff is None else f"DIFFER: {diff}"))
        except (OSError, ValueError, KeyError) as e:
            notes.append(f"{n:,} customers: could not compare {name}'s RFM output: {e}")
        rows.append(r)


def kmeans_steps(args, n, rows, notes):
    """k-means: the engine's bench_kmeans against scikit-learn (1 thread) on the same matrix."""
    matrix = Path(args.work) / str(n) / "kmeans.f64"
    runs = 3
    results = {}
    for algorithm, tool in [("hamerly", "segscope (1 thread)"), ("lloyd", "segscope, Lloyd (1 thread)")]:
        try:
            out = subprocess.run([args.bench_kmeans, matrix, str(n), str(KM_K), str(runs), algorithm],
                                 capture_output=True, text=True, check=True, timeout=600)
            j = json.loads(out.stdout)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, ValueError) as e:
            rows.append(row(KM_FIT, n, tool, failed=reason(e)))
            continue
        results[tool] = j
        rows.append(row(KM_FIT, n, tool, j["fit_ms"], None, runs, n_iter=j["n_iter"], inertia=j["inertia"],
                        sizes=sorted(j["sizes"]), one_iteration_fit_ms=j["one_iteration_fit_ms"]))
        if j["n_iter"] > 1:
            rows.append(row(KM_ITER, n, tool, j["ms_per_iteration"], None, runs, n_iter=j["n_iter"],
                            note="(fit - fit stopped after one iteration) / (iterations - 1)"))
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    try:
        out = subprocess.run([args.python, HERE / "sklearn_kmeans.py", matrix, str(KM_K), str(runs)],
                             capture_output=True, text=True, check=True, timeout=900, env=env)
        j = json.loads(out.stdout)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, ValueError) as e:
        rows.append(row(KM_FIT, n, "scikit-learn (1 thread)", failed=reason(e)))
        return
    tool = f"scikit-learn {j['sklearn_version']} (1 thread)"
    rows.append(row(KM_FIT, n, tool, j["fit_ms"], None, runs, n_iter=j["n_iter"], inertia=j["inertia"],
                    sizes=j["sizes"], one_iteration_fit_ms=j["one_iteration_fit_ms"]))
    if j["ms_per_iteration"] is not None:
        rows.append(row(KM_ITER, n, tool, j["ms_per_iteration"], None, runs, n_iter=j["n_iter"]))
    ours = results.get("segscope (1 thread)")
    if ours:
        notes.append(f"{n:,} customers: k-means inertia segscope {ours['inertia']:,.3f} ({ours['n_iter']} iterations), "
                     f"{tool} {j['inertia']:,.3f} ({j['n_iter']} iterations); threads inside the limit: "
                     f"{j['threadpools_inside_limit']}")
        lloyd = results.get("segscope, Lloyd (1 thread)")
        if lloyd:
            same = lloyd["inertia"] == ours["inertia"] and lloyd["sizes"] == ours["sizes"]
            notes.append(f"{n:,} customers: k-means Hamerly and Lloyd " + ("agree (inertia and sizes)" if same else
                         f"DIFFER: {ours['inertia']} vs {lloyd['inertia']}"))


def version(module):
    try:
        return __import__(module).__version__
    except ImportError:
        return "(missing)"


def reason(e):
    if isinstance(e, subprocess.CalledProcessError):
        return f"exit {e.returncode}: {(e.stderr or '').strip()[-300:]}"
    return str(e)[:400]


# ---- targets (issue #14) ----
def targets(rows):
    by = {}
    for r in rows:
        by.setdefault((r["step"], r["size"]), []).append(r)

    def seg(step, size):
        return next((r for r in by.get((step, size), []) if r["tool"].startswith("segscope") and not r["failed"]), None)

    for r in rows:
        n, step = r["size"], r["step"]
        ours = seg(step, n)
        if not r["tool"].startswith("segscope"):
            if ours and r["median_ms"] and not r["failed"]:
                r["ratio"] = round(ours["median_ms"] / r["median_ms"], 2)
            continue
        t = None
        if step == "load both + RFM (page)":
            limit = 5000 if n >= 1_000_000 else 400
            t = f"<= {limit / 1000:g} s and <= 0.5x DuckDB-WASM"
            peer = next((p for p in by.get((step, n), []) if p["tool"].startswith("duckdb-wasm") and not p["failed"]), None)
            r["met"] = None if r["failed"] else (r["median_ms"] <= limit and (peer is None or r["median_ms"] <= 0.5 * peer["median_ms"]))
        elif step == "longest main-thread task (page)":
            t = "<= 100 ms"
            r["met"] = None if r["failed"] else r["median_ms"] <= 100
        elif step == "rule recount (page)":
            t = "< 50 ms (at 1M)"
            r["met"] = None if r["failed"] else r["median_ms"] < 50
        elif step == "CLV fit (page)":
            t = "< 1 s (at 100k)"
            r["met"] = None if r["failed"] else r["median_ms"] < 1000
        elif step == KM_FIT:
            t = "<= scikit-learn (1 thread)"
            peer = next((p for p in by.get((step, n), []) if p["tool"].startswith("scikit-learn") and not p["failed"]), None)
            r["met"] = None if (r["failed"] or peer is None) else r["median_ms"] <= peer["median_ms"]
        elif step == KM_FIT_PAGE:
            t = "<= 1/20 of ml-kmeans"
            peer = next((p for p in by.get((step, n), []) if p["tool"].startswith("ml-kmeans") and not p["failed"]), None)
            r["met"] = None if (r["failed"] or peer is None) else r["median_ms"] * 20 <= peer["median_ms"]
        elif step == KM_ITER and n == 1_000_000:
            t = "about 10 ms (72 MFLOP)"
        elif step == "RFM read+score+write (native)":
            t = "time <= polars, memory < polars"
            peer = next((p for p in by.get((step, n), []) if p["tool"].startswith("polars") and not p["failed"]), None)
            r["met"] = None if (r["failed"] or peer is None) else (
                r["median_ms"] <= peer["median_ms"] and r["peak_mb"] < peer["peak_mb"])
        if t:
            r["target"] = t
    return rows


def fmt_table(rows):
    head = ("step", "customers", "tool", "median ms", "peak MB", "runs", "Segscope/peer", "target", "met?")
    lines = []
    for r in rows:
        if r["failed"]:
            lines.append((r["step"], f"{r['size']:,}", r["tool"], "FAILED", "", "", "", r.get("target", ""),
                          "no" if r.get("target") else ""))
            continue
        met = r.get("met")
        lines.append((
            r["step"], f"{r['size']:,}", r["tool"],
            f"{r['median_ms']:,.1f}" if r["median_ms"] is not None else "",
            f"{r['peak_mb']:,.0f}" if r["peak_mb"] is not None else "",
            str(r["runs"] or ""),
            f"{r['ratio']:.2f}" if r.get("ratio") is not None else "",
            r.get("target", ""),
            "" if met is None else ("yes" if met else "NO"),
        ))
    widths = [max(len(h), *(len(l[i]) for l in lines)) if lines else len(h) for i, h in enumerate(head)]
    out = ["  ".join(h.ljust(w) for h, w in zip(head, widths)), "  ".join("-" * w for w in widths)]
    for l in lines:
        out.append("  ".join(c.rjust(w) if i in (1, 3, 4, 5, 6) else c.ljust(w) for i, (c, w) in enumerate(zip(l, widths))))
    fails = [r for r in rows if r["failed"]]
    if fails:
        out.append("")
        out.append("Failed steps:")
        for r in fails:
            out.append(f"  {r['step']}, {r['size']:,}, {r['tool']}: {r['failed']}")
    return "\n".join(out)


def machine():
    cpu = ""
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GB"
    except (OSError, StopIteration, ValueError):
        pass
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory": mem, "os": platform.platform(),
            "loadavg_at_start": list(os.getloadavg())}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--segscope", required=True)
    p.add_argument("--bench-rules", required=True)
    p.add_argument("--bench-kmeans", help="the engine's bench_kmeans example (the k-means steps are skipped without it)")
    p.add_argument("--sizes", default="100000,1000000")
    p.add_argument("--work", default=".bench")
    p.add_argument("--json", default=".bench/results.json")
    p.add_argument("--browser-json", action="append", default=[], help="a bench/browser.mjs result file (one a size)")
    p.add_argument("--python", default=sys.executable)
    p.add_argument("--skip-native", action="store_true")
    p.add_argument("--kmeans-only", action="store_true", help="of the native steps, only k-means")
    a = p.parse_args()
    a.python = a.python or sys.executable
    sizes = [int(s) for s in a.sizes.split(",") if s]
    at_start = machine()
    rows, notes = [], []
    for n in sizes:
        if not a.skip_native:
            print(f"== bench: native steps, {n:,} customers", file=sys.stderr)
            if not a.kmeans_only:
                native_steps(a, n, rows, notes)
            if a.bench_kmeans:
                kmeans_steps(a, n, rows, notes)
    browser = {}
    for f in a.browser_json:
        try:
            j = json.loads(Path(f).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            notes.append(f"could not read the page steps' results {f}: {e}")
            continue
        browser.setdefault("chromium", j.get("chromium"))
        rows.extend(j.get("rows", []))
        notes.extend(j.get("notes", []))
    order = {s: i for i, s in enumerate(sizes)}
    steps = ["load customers (page)", "load transactions (page)", "RFM (page)", "load both + RFM (page)",
             "rule recount (page)", "CLV fit (page)", "longest main-thread task (page)", "rule recount (native)",
             "read customers (native, bench_rules)", "RFM read+score+write (native)", KM_FIT_PAGE, KM_ITER_PAGE,
             KM_FIT, KM_ITER]
    rows.sort(key=lambda r: (order.get(r["size"], 99), steps.index(r["step"]) if r["step"] in steps else 99,
                             0 if r["tool"].startswith("segscope") else 1))
    targets(rows)
    result = {"machine": at_start, "loadavg_at_end": list(os.getloadavg()), "chromium": browser.get("chromium"),
              "date": time.strftime("%Y-%m-%d %H:%M"), "sizes": sizes, "rows": rows, "notes": notes}
    Path(a.json).parent.mkdir(parents=True, exist_ok=True)
    Path(a.json).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    m = at_start
    print(f"\nSegscope benchmark, {result['date']}: {m['cpus']} cores ({m['cpu']}), {m['memory']}, load average at start "
          f"{m['loadavg_at_start'][0]:.2f}, at end {result['loadavg_at_end'][0]:.2f}"
          + (f"; {browser['chromium']}" if browser.get("chromium") else ""))
    print("Ratio = Segscope's median / the peer's (below 1: Segscope faster). Peak MB: the process (native) or the"
          " browser's whole process tree (page).\n")
    print(fmt_table(rows))
    if notes:
        print("\nNotes:")
        for n in notes:
            print(f"  {n}")
    print(f"\nJSON: {a.json}")


if __name__ == "__main__":
    main()
