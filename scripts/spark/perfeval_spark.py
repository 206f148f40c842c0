#!/usr/bin/env python3
"""perfeval on Apache Spark: one `perfeval run` per partition of the report files.

    spark-submit scripts/spark/perfeval_spark.py INPUT... --out OUT [--partitions N]
    .venv-spark/bin/python scripts/spark/perfeval_spark.py INPUT... --out OUT --master 'local[2]'

The driver lists the report files under each INPUT the way `perfeval run INPUT...` does
(folders recursively, sorted by path bytes; hidden files and folders are listed too, so that
each partition's perfeval reports them in rejects.csv as a single run does), cuts the list into N
contiguous partitions and hands each to an executor. The executor runs `perfeval run -`
on its partition into OUT/parts/part-NNNNN; the driver then appends the per-report tables
of the parts, in partition order, into OUT/merged and runs `perfeval aggregate` over the
part folders into it — the same tables, rows and bytes as one `perfeval run` over the
inputs (manifest.json aside). Per-partition summaries (files, records, rejected, seconds)
and the rejected files come back through Spark and are written as CSV under OUT/spark.

Names: `perfeval run -` names a listed *file* by its base name and the files of a listed
*folder* by their path inside it. So each partition gets a staging folder of symbolic
links laid out as the paths inside the input (a/b/r1.txt), in /dev/shm where there is one,
and its standard input lists those folders: the `file` column then reads as in a single
run over the inputs.

Idempotent: an attempt writes into its own hidden folder and only renames it to
part-NNNNN when perfeval has finished, replacing what an earlier attempt left there, so a
retried partition never adds rows twice.

Where perfeval comes from on the executors:
- shipped (default): the driver's --perfeval binary and --data folder travel with the job
  (SparkContext.addFile, the programmatic form of spark-submit --files) and are found with
  SparkFiles.get. The nodes then need perfeval's shared libraries: libcsv and libopencc
  (scripts/setup.sh) and, unless the binary was built with
  `swift build -c release --static-swift-stdlib`, the Swift runtime.
- installed: with --installed, --perfeval and --data are paths that exist on every node.
Either way INPUT and OUT must be at the same path on the driver and every executor (a shared
or network filesystem; on one machine, any folder).
"""
import argparse, csv, json, os, resource, shutil, socket, subprocess, sys, tempfile, time, uuid
from itertools import groupby

PARTS, MERGED, REPORTS = "parts", "merged", "spark"


def list_inputs(inputs):
    """[(input number, name in the outputs, absolute path)] in the order perfeval reads them."""
    entries = []
    for number, given in enumerate(inputs):
        path = os.path.abspath(given)
        if os.path.isfile(path):
            entries.append((number, os.path.basename(path), path))
            continue
        if not os.path.isdir(path):
            raise SystemExit(f"perfeval_spark: input '{given}' does not exist")
        names = []
        for folder, folders, files in os.walk(path):
            # A hidden folder is one entry (perfeval skips it whole, as one rejects.csv row).
            for name in [name for name in folders if name.startswith(".")]:
                folders.remove(name)
                names.append(os.path.relpath(os.path.join(folder, name), path) + "/")
            for name in files:
                full = os.path.join(folder, name)
                if os.path.isfile(full):
                    names.append(os.path.relpath(full, path))
        names.sort(key=lambda name: name.encode("utf-8"))
        entries += [(number, name.rstrip("/"), os.path.join(path, name.rstrip("/"))) for name in names]
    return entries


def partition(entries, count):
    """`count` contiguous slices of nearly equal size (at most one per file), order kept."""
    count = max(1, min(count, len(entries)))
    return [entries[i * len(entries) // count:(i + 1) * len(entries) // count] for i in range(count)]


def locate(conf):
    """The perfeval binary and data folder on this executor."""
    if conf["installed"]:
        return conf["perfeval"], conf["data"]
    from pyspark import SparkFiles
    binary = SparkFiles.get(os.path.basename(conf["perfeval"]))
    if not os.access(binary, os.X_OK):
        os.chmod(binary, 0o755)
    return binary, SparkFiles.get(os.path.basename(conf["data"].rstrip("/")))


def read_rows(path, encoding):
    """The data rows of one output CSV (header dropped)."""
    with open(path, encoding="utf-8-sig" if encoding == "utf8" else "gb18030", newline="") as f:
        return list(csv.reader(f))[1:]


def run_partition(index, entries, conf):
    """Runs perfeval on one partition into OUT/parts/part-NNNNN; returns its summary and rejects."""
    from pyspark import TaskContext
    context = TaskContext.get()
    attempt = context.attemptNumber() if context else 0
    binary, data = locate(conf)
    parts = os.path.join(conf["out"], PARTS)
    final = os.path.join(parts, f"part-{index:05d}")
    work = os.path.join(parts, f".part-{index:05d}.attempt{attempt}-{uuid.uuid4().hex[:8]}")
    # The links live in memory where the node has /dev/shm: on the benchmark machine's disk
    # a link took 1.4 ms to make (3.5 s for a partition of 2,500 files), in /dev/shm 8 µs.
    stage = tempfile.mkdtemp(prefix=f"perfeval-part{index}-", dir="/dev/shm" if os.access("/dev/shm", os.W_OK) else None)
    try:
        folders = []
        for number, group in groupby(entries, key=lambda entry: entry[0]):
            folder = os.path.join(stage, str(number))
            for _, name, path in group:
                link = os.path.join(folder, name)
                os.makedirs(os.path.dirname(link), exist_ok=True)
                os.symlink(path, link)
            folders.append(folder)
        # No review workbook or page per partition: the driver's aggregate writes them once.
        command = [binary, "run", "-", "--out", work, "--data", data, "--jobs", str(conf["jobs"]), "--quiet",
                   "--headers", conf["headers"], "--encoding", conf["encoding"], "--no-xlsx", "--no-html"]
        started, cpu = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(command, input="\n".join(folders) + "\n", capture_output=True, text=True)
        seconds, after = time.monotonic() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_seconds = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
        if done.returncode not in (0, 1):  # 1: some files rejected, listed in rejects.csv
            raise RuntimeError(f"partition {index}: perfeval exited {done.returncode}: {done.stderr.strip()}")
        shutil.rmtree(final, ignore_errors=True)
        os.rename(work, final)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)  # left only by a failed attempt
    marker = conf.get("fail_once")
    if marker and index == conf["fail_partition"] and os.path.exists(marker):
        os.remove(marker)  # test hook: this attempt dies after its folder is in place
        raise RuntimeError(f"partition {index}: injected failure (marker {marker})")
    with open(os.path.join(final, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    # Hidden paths are listed, not read: perfeval counts them as paths_skipped.
    if manifest["files"] + manifest.get("paths_skipped", 0) != len(entries):
        raise RuntimeError(f"partition {index}: perfeval read {manifest['files']} files, expected {len(entries)}")
    rejects = [(index, row[0], row[1]) for row in read_rows(os.path.join(final, "rejects.csv"), conf["encoding"])]
    summary = (index, attempt, len(entries), manifest["records"], manifest["files_rejected"], round(seconds, 3),
               round(cpu_seconds, 3), socket.gethostname())
    return summary, rejects


def concatenate(sources, target):
    """One table from the same table of each part: the first header, then every part's rows."""
    with open(target, "wb") as out:
        for number, source in enumerate(sources):
            with open(source, "rb") as f:
                header = f.readline()
                if number == 0:
                    out.write(header)
                shutil.copyfileobj(f, out)


def per_report(path, encoding):
    """A per-report table (records, indicators, rejects …) starts with the file column."""
    with open(path, encoding="utf-8-sig" if encoding == "utf8" else "gb18030", newline="") as f:
        return next(csv.reader(f), [])[:1] in (["file"], ["文件"])


def merge(part_folders, merged, conf):
    """The parts' per-report tables appended in order, then `perfeval aggregate` over the parts.

    In this order whatever aggregate writes beside the comparative tables from the output
    folder's own tables finds them complete, as at the end of `perfeval run`."""
    for name in sorted(os.listdir(part_folders[0])):
        if name.endswith(".csv") and per_report(os.path.join(part_folders[0], name), conf["encoding"]):
            concatenate([os.path.join(folder, name) for folder in part_folders], os.path.join(merged, name))
    subprocess.run([conf["perfeval"], "aggregate", *part_folders, "--out", merged,
                    "--headers", conf["headers"], "--encoding", conf["encoding"]], check=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="+", help="report files or folders")
    parser.add_argument("--out", required=True, help="output folder (parts/, merged/, spark/)")
    parser.add_argument("--partitions", type=int, default=0, help="partitions (default: Spark's default parallelism × 4)")
    parser.add_argument("--master", help="Spark master, e.g. local[2] (default: spark-submit's)")
    parser.add_argument("--perfeval", default=".build/release/perfeval", help="perfeval binary")
    parser.add_argument("--data", default="data", help="perfeval's reference-data folder")
    parser.add_argument("--installed", action="store_true",
                        help="--perfeval and --data are paths on every node (default: ship them with the job)")
    parser.add_argument("--jobs", type=int, default=0, help="perfeval --jobs in each task (default: spark.task.cpus)")
    parser.add_argument("--headers", default="zh", choices=["zh", "en"])
    parser.add_argument("--encoding", default="utf8", choices=["utf8", "gb18030"])
    parser.add_argument("--fail-once", metavar="MARKER", help="test hook: while MARKER exists, --fail-partition's attempt fails (and removes it)")
    parser.add_argument("--fail-partition", type=int, default=0)
    args = parser.parse_args(argv)

    begun = time.monotonic()
    from pyspark.sql import SparkSession
    builder = SparkSession.builder.appName("perfeval").config("spark.ui.showConsoleProgress", "false")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    try:
        started = time.monotonic()
        entries = list_inputs(args.inputs)
        if not entries:
            raise SystemExit("perfeval_spark: no report files in the inputs")
        out = os.path.abspath(args.out)
        conf = {"out": out, "perfeval": os.path.abspath(args.perfeval) if not args.installed else args.perfeval,
                "data": os.path.abspath(args.data) if not args.installed else args.data, "installed": args.installed,
                "jobs": args.jobs or int(sc.getConf().get("spark.task.cpus", "1")), "headers": args.headers,
                "encoding": args.encoding, "fail_once": args.fail_once and os.path.abspath(args.fail_once),
                "fail_partition": args.fail_partition}
        if not args.installed:
            sc.addFile(conf["perfeval"])
            sc.addFile(conf["data"], recursive=True)
        for folder in (PARTS, MERGED):
            shutil.rmtree(os.path.join(out, folder), ignore_errors=True)
        os.makedirs(os.path.join(out, PARTS))
        os.makedirs(os.path.join(out, MERGED))

        slices = partition(entries, args.partitions or 4 * sc.defaultParallelism)
        listed = time.monotonic()
        results = (sc.parallelize(list(enumerate(slices)), len(slices))
                   .map(lambda task: run_partition(task[0], task[1], conf)).collect())
        part_folders = [os.path.join(out, PARTS, f"part-{index:05d}") for index in range(len(slices))]
        ran = time.monotonic()
        merge(part_folders, os.path.join(out, MERGED), conf)
        merged = time.monotonic()

        summaries = spark.createDataFrame([summary for summary, _ in results],
                                          "partition int, attempt int, files int, records int, rejected int, seconds double, cpu_seconds double, host string")
        rejects = spark.createDataFrame([row for _, found in results for row in found], "partition int, file string, reason string")
        for frame, name in ((summaries, "partitions"), (rejects, "rejects")):
            frame.coalesce(1).write.mode("overwrite").option("header", True).csv(os.path.join(out, REPORTS, name))
        summaries.show(len(slices), truncate=False)
        files, records, rejected = (sum(summary[column] for summary, _ in results) for column in (2, 3, 4))
        print(f"perfeval_spark: {files} files in {len(slices)} partitions, {records} records, {rejected} rejected, "
              f"{time.monotonic() - begun:.1f} s (Spark start {started - begun:.1f}, listing {listed - started:.1f}, partitions {ran - listed:.1f}, "
              f"aggregate and merge {merged - ran:.1f}) → {os.path.join(out, MERGED)}", file=sys.stderr)
        return 1 if rejected else 0
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main())
