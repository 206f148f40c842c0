#!/usr/bin/env python3
"""Tests of the Spark job against a single `perfeval run` on the fixture corpus.

    python scripts/spark/test_perfeval_spark.py --perfeval PATH   (run by scripts/test.sh)

Ends with 'spark: N passed, N failed'; exits 1 when a test failed.
"""
import argparse, csv, glob, os, shutil, subprocess, sys, tempfile, traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(ROOT, "Tests", "Fixtures", "corpus")
JOB = os.path.join(HERE, "perfeval_spark.py")
COMPARATIVE = ["compare_execution.csv", "compare_scores.csv", "compare_spending.csv", "compare_problems.csv",
               "recurring.csv", "agency_trends.csv", "audit_summary.csv"]


def run(command, expect=0, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    assert done.returncode == expect, f"{command[:3]}… exited {done.returncode}, expected {expect}:\n{done.stderr[-3000:]}"
    return done


class Suite:
    def __init__(self, perfeval, scratch):
        self.perfeval, self.scratch = perfeval, scratch

    def single(self, name, inputs, *extra, expect=0):
        out = os.path.join(self.scratch, name)
        run([self.perfeval, "run", *inputs, "--out", out, "--quiet", "--data", os.path.join(ROOT, "data"), *extra], expect)
        return out

    def spark(self, name, inputs, master, partitions, *extra, expect=0):
        out = os.path.join(self.scratch, name)
        run([sys.executable, JOB, *inputs, "--out", out, "--master", master, "--partitions", str(partitions),
             "--perfeval", self.perfeval, "--data", os.path.join(ROOT, "data"), *extra], expect)
        return out

    @staticmethod
    def spark_csv(out, name):
        [path] = glob.glob(os.path.join(out, "spark", name, "part-*.csv"))
        with open(path, newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    @staticmethod
    def assert_same_tables(single, merged):
        tables = sorted(name for name in os.listdir(single) if name.endswith(".csv"))
        assert set(COMPARATIVE) <= set(tables) and "records.csv" in tables, tables
        merged_tables = sorted(name for name in os.listdir(merged) if name.endswith(".csv"))
        assert tables == merged_tables, (tables, merged_tables)
        for name in tables:
            with open(os.path.join(single, name), "rb") as a, open(os.path.join(merged, name), "rb") as b:
                assert a.read() == b.read(), f"{name} differs from the single run's"

    def test_four_partitions_give_the_single_runs_tables(self):
        single = self.single("single", [CORPUS])
        out = self.spark("four", [CORPUS], "local[2]", 4)
        self.assert_same_tables(single, os.path.join(out, "merged"))
        with open(os.path.join(out, "merged", "records.csv"), encoding="utf-8-sig", newline="") as f:
            files = [row[0] for row in list(csv.reader(f))[1:]]
        assert files == sorted(os.listdir(CORPUS)), files  # d01 … d09, p01 … p04: one record each, in path order
        summaries = self.spark_csv(out, "partitions")
        assert [(s["partition"], s["attempt"], s["files"], s["records"], s["rejected"]) for s in summaries] == [
            ("0", "0", "3", "3", "0"), ("1", "0", "3", "3", "0"), ("2", "0", "3", "3", "0"), ("3", "0", "4", "4", "0")], summaries
        assert all(float(s["seconds"]) > 0 for s in summaries), summaries
        assert self.spark_csv(out, "rejects") == []
        assert sorted(os.listdir(os.path.join(out, "parts"))) == [f"part-0000{i}" for i in range(4)]

    def test_a_partition_that_fails_once_is_retried_without_duplicate_rows(self):
        single = self.single("single-retry", [CORPUS])
        marker = os.path.join(self.scratch, "fail-once")
        open(marker, "w").close()
        out = self.spark("retry", [CORPUS], "local[2,4]", 4, "--fail-once", marker, "--fail-partition", "2")
        assert not os.path.exists(marker), "the failing attempt did not run"
        self.assert_same_tables(single, os.path.join(out, "merged"))
        attempts = [(s["partition"], s["attempt"]) for s in self.spark_csv(out, "partitions")]
        assert attempts == [("0", "0"), ("1", "0"), ("2", "1"), ("3", "0")], attempts
        assert sorted(os.listdir(os.path.join(out, "parts"))) == [f"part-0000{i}" for i in range(4)]

    def test_nested_folders_a_single_file_a_rejected_file_english_gb18030(self):
        tree = os.path.join(self.scratch, "tree")
        names = sorted(os.listdir(CORPUS))
        for number, name in enumerate(names[:-1]):
            folder = os.path.join(tree, ["", "2021", "2022/县"][number % 3])
            os.makedirs(folder, exist_ok=True)
            shutil.copy(os.path.join(CORPUS, name), folder)
        os.makedirs(os.path.join(tree, "bad"))
        open(os.path.join(tree, "bad", "empty.txt"), "w").close()
        open(os.path.join(tree, ".hidden.txt"), "w").close()
        inputs = [tree, os.path.join(CORPUS, names[-1])]
        options = ["--headers", "en", "--encoding", "gb18030"]
        single = self.single("single-tree", inputs, *options, expect=1)
        out = self.spark("tree-out", inputs, "local[2]", 5, *options, expect=1)
        self.assert_same_tables(single, os.path.join(out, "merged"))
        rejects = self.spark_csv(out, "rejects")
        assert [(r["file"], r["reason"]) for r in rejects] == [(".hidden.txt", "hidden file (name starts with '.'): skipped"),
                                                               ("bad/empty.txt", "empty file")], rejects
        summaries = self.spark_csv(out, "partitions")
        assert [int(s["files"]) for s in summaries] == [3, 3, 3, 3, 3], summaries  # 13 files + empty.txt + .hidden.txt
        assert sum(int(s["records"]) for s in summaries) == 13 and sum(int(s["rejected"]) for s in summaries) == 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--perfeval", default=os.path.join(ROOT, ".build", "release", "perfeval"))
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="perfeval-spark-tests-")
    suite = Suite(os.path.abspath(args.perfeval), scratch)
    tests = [name for name in dir(Suite) if name.startswith("test_")]
    failed = 0
    for name in tests:
        try:
            getattr(suite, name)()
            print(f"PASS {name}", flush=True)
        except Exception:
            failed += 1
            print(f"FAIL {name}\n{traceback.format_exc()}", flush=True)
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"spark: {len(tests) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
