"""Runs Segscope's generated SQL in a real Spark (local[2], pyspark) for tests/warehouse_spark.rs.

One Spark session serves every request of a test run (Spark starts slowly); it stops when stdin closes.
Spark's own settings are left at the installed version's defaults (ANSI mode included), except those that
make a small local run quick and quiet.

First line out: {"ready": "Spark <version>"} or {"error": "<what is missing and what to do>"}.
Then one JSON request per line on stdin:
  {"tables": [{"name": ..., "csv": path, "columns": [[name, type], ...]}, ...], "query": sql}
The CSVs have a header row; an empty field is NULL; a value that does not parse as its column's type is an
error (FAILFAST), never a silent NULL. Each table becomes a temporary view, the query runs as written, and
one JSON line answers: {"columns": [...], "rows": [[...], ...]} or {"error": "..."}.
"""
import json
import os
import shutil
import sys
import tempfile

SETUP = "run `bash scripts/setup.sh` to install it"


def say(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def quote_ident(name):
    return "`" + name.replace("`", "``") + "`"


def plain(v):
    return v if isinstance(v, (bool, int, float, str)) or v is None else str(v)


def main():
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        say({"error": f"the pyspark Python package is not installed; {SETUP}."})
        return
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        say({"error": f"Spark needs a Java runtime and there is no `java` on PATH; {SETUP}."})
        return
    work = tempfile.mkdtemp(prefix="segscope-spark-")
    spark = None
    try:
        try:
            spark = (
                SparkSession.builder.master("local[2]")
                .appName("segscope-warehouse-tests")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.warehouse.dir", os.path.join(work, "warehouse"))
                # The quick JIT tier only and one GC thread: on a small machine, C2 compiling Spark's
                # code costs more than it saves in a run of small queries (results do not depend on it).
                .config("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={work} -XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
                .config("spark.local.dir", work)
                .getOrCreate()
            )
            spark.sparkContext.setLogLevel("ERROR")
        except Exception as e:  # the Rust side fails the test with this sentence
            say({"error": f"Spark could not start ({type(e).__name__}: {e}); it needs a Java runtime: {SETUP}."})
            return
        say({"ready": f"Spark {spark.version}"})
        loaded = {}
        for line in sys.stdin:
            req = json.loads(line)
            try:
                for t in req["tables"]:
                    key = json.dumps([t["csv"], t["columns"]])
                    if loaded.get(t["name"]) == key:
                        continue
                    schema = ", ".join(f"{quote_ident(n)} {ty}" for n, ty in t["columns"])
                    df = spark.read.csv(
                        t["csv"], schema=schema, header=True, sep=",", quote='"', escape='"', nullValue="",
                        multiLine=True, mode="FAILFAST", dateFormat="yyyy-MM-dd",
                        timestampFormat="yyyy-MM-dd HH:mm:ss",
                    )
                    df.createOrReplaceTempView(t["name"])
                    loaded[t["name"]] = key
                result = spark.sql(req["query"].strip().rstrip(";"))
                rows = result.collect()
                out = {"columns": result.columns, "rows": [[plain(v) for v in r] for r in rows]}
            except Exception as e:  # Spark's messages carry whole plans and stack traces: keep the start
                out = {"error": f"{type(e).__name__}: {str(e)[:2000]}"}
            say(out)
    finally:
        if spark is not None:
            spark.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
