"""Runs Segscope's generated SQL in a real PostgreSQL for tests/warehouse_postgres.rs.

Starts a throwaway cluster (initdb + pg_ctl) in a temporary directory, listening only on a Unix socket in
that directory (no TCP), and stops and removes it when stdin closes. As root, the cluster runs as the
`postgres` system user (PostgreSQL refuses to run as root). The database's default collation is ICU's
en-US, as in many real installations, so SQL that leans on byte order without saying so shows.

First line out: {"ready": "<server version>"} or {"error": "<what is missing and what to do>"}.
Then one JSON request per line on stdin:
  {"tables": [{"name": ..., "csv": path, "columns": [[name, type], ...]}, ...], "query": sql}
The CSVs have a header row; an empty field is NULL. Tables are loaded with psql's \\copy (kept between
requests while the same file and columns are asked for), the query runs as written, and one JSON line
answers: {"columns": [...], "rows": [[...], ...]} or {"error": "..."}.
"""
import glob
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile

SETUP = "run `bash scripts/setup.sh` to install it"


def say(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def find_bin():
    """The newest /usr/lib/postgresql/<version>/bin holding initdb, pg_ctl and psql, or a PATH with them."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0)
    for d in reversed(candidates):
        if all(os.access(os.path.join(d, t), os.X_OK) for t in ("initdb", "pg_ctl", "psql")):
            return d
    if all(shutil.which(t) for t in ("initdb", "pg_ctl", "psql")):
        return os.path.dirname(shutil.which("initdb"))
    return None


def quote_ident(name):
    return '"' + name.replace('"', '""') + '"'


class Cluster:
    def __init__(self, bindir):
        self.bindir = bindir
        self.dir = tempfile.mkdtemp(prefix="segscope-pg-")
        self.data = os.path.join(self.dir, "data")
        self.as_user = []
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError(
                    f"PostgreSQL will not run as root and there is no `postgres` system user; {SETUP}."
                )
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.started = False
        self.loaded = {}

    def tool(self, name):
        return os.path.join(self.bindir, name)

    def run(self, args):
        out = subprocess.run(self.as_user + args, stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=self.dir)
        if out.returncode != 0:
            raise RuntimeError(f"{os.path.basename(args[0])} failed: {out.stderr.strip() or out.stdout.strip()}")

    def start(self):
        self.run([self.tool("initdb"), "-D", self.data, "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                  "--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=en-US", "--no-instructions"])
        # pg_ctl hands -o to a shell: the socket directory is a plain temporary path (no spaces or quotes).
        opts = f"-k {self.dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self.run([self.tool("pg_ctl"), "-D", self.data, "-l", os.path.join(self.dir, "server.log"), "-o", opts,
                  "-w", "start"])
        self.started = True
        return self.psql("SELECT version();")[0].strip()

    def stop(self):
        if self.started:
            subprocess.run(self.as_user + [self.tool("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop"],
                           stdin=subprocess.DEVNULL, capture_output=True, cwd=self.dir)
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)

    def psql(self, script):
        """Runs a psql script (as the invoking user; the server trusts the socket) and returns its output lines."""
        env = dict(os.environ, PGCLIENTENCODING="UTF8")
        out = subprocess.run(
            [self.tool("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", self.dir, "-U", "postgres",
             "-d", "postgres"],
            input=script, capture_output=True, text=True, env=env,
        )
        if out.returncode != 0:
            raise RuntimeError(out.stderr.strip())
        return out.stdout.splitlines()

    def load(self, table):
        name, csv, columns = table["name"], table["csv"], table["columns"]
        key = json.dumps([csv, columns])
        if self.loaded.get(name) == key:
            return
        if "'" in csv:
            raise RuntimeError(f"the CSV path {csv} has a quote in it; psql's \\copy cannot read it.")
        cols = ", ".join(f"{quote_ident(n)} {t}" for n, t in columns)
        self.psql(
            "SET client_min_messages = warning;\n"
            f"DROP TABLE IF EXISTS {quote_ident(name)};\n"
            f"CREATE TABLE {quote_ident(name)} ({cols});\n"
            f"\\copy {quote_ident(name)} FROM '{csv}' WITH (FORMAT csv, HEADER true, NULL '')\n"
        )
        self.loaded[name] = key

    def query(self, sql):
        body = sql.strip().rstrip(";")
        lines = self.psql(f"SELECT row_to_json(segscope_result) FROM (\n{body}\n) AS segscope_result;\n")
        columns, rows = [], []
        for line in lines:
            if not line:
                continue
            pairs = json.loads(line, object_pairs_hook=lambda p: p)
            if not columns:
                columns = [k for k, _ in pairs]
            rows.append([v for _, v in pairs])
        return {"columns": columns, "rows": rows}


def main():
    bindir = find_bin()
    if bindir is None:
        say({"error": f"PostgreSQL is not installed (no initdb, pg_ctl and psql in /usr/lib/postgresql/*/bin); {SETUP}."})
        return
    cluster = Cluster(bindir)
    try:
        try:
            version = cluster.start()
        except Exception as e:  # the Rust side fails the test with this sentence
            say({"error": f"PostgreSQL could not start a throwaway cluster: {e}"})
            return
        say({"ready": version})
        for line in sys.stdin:
            req = json.loads(line)
            try:
                for t in req["tables"]:
                    cluster.load(t)
                out = cluster.query(req["query"])
            except Exception as e:
                out = {"error": str(e)}
            say(out)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
