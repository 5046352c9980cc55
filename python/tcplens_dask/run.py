"""The client: split (when given a capture file), one Dask task per shard, the merge.

Each task runs `tcplens COMMAND ARGS -r shard-K.pcap --shard-index shard-K.idx --threads 1`
on a worker; its standard output is the shard's merge items. With shared storage (the
default) the shards and items live in the work directory, which every worker reads and
writes under the same path; with --scatter the shard's bytes travel to the worker through
Dask and its items come back the same way (no shared file system needed). The client then
runs `tcplens COMMAND ARGS --merge ITEMS...`, whose output is one run's output. For detect
the items are each shard's state (the detectors' input) and the merge replays them, in the
whole input's frame order, into one detector.
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

from . import tasks
from .tasks import run_shard_scattered, run_shard_shared

COMMANDS = ("conns", "analyze", "detect")


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="python3 -m tcplens_dask",
        description="Run a tcplens command over flow-complete shards on a Dask cluster and "
        "merge the results into what one tcplens process writes (docs/scale-out.md).",
        epilog="Everything after COMMAND is passed to `tcplens COMMAND`; -r names a capture file "
        "(split first) or a directory written by `tcplens split`.",
    )
    p.add_argument("--scheduler", default="local:2",
                   help="local:N (N worker processes on this machine) or a running scheduler's "
                   "address (tcp://HOST:8786, as `dask scheduler` prints)")
    p.add_argument("--tcplens", default=None,
                   help="the tcplens binary, at the same path on every worker (default: on PATH)")
    p.add_argument("--shards", type=int, default=0,
                   help="shards to split a capture file into (default: the cluster's worker threads)")
    p.add_argument("--work-dir", default=None,
                   help="directory for the shards and items, readable and writable by every worker "
                   "under the same path (default: a temporary directory, removed at the end)")
    p.add_argument("--scatter", action="store_true",
                   help="send each shard to its worker through Dask and its items back, instead of "
                   "sharing the work directory")
    p.add_argument("--timing", action="store_true", help="print the split, run and merge times to stderr")
    p.add_argument("command", choices=COMMANDS)
    p.add_argument("args", nargs=argparse.REMAINDER)
    return p.parse_args(argv)


def take_input(args):
    """The -r value and the command's other arguments (without --threads: a shard runs on
    one thread, and its worker process is the unit of parallelism)."""
    rest, source = [], None
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-r", "--threads") and i + 1 < len(args):
            if a == "-r":
                source = args[i + 1]
            i += 2
            continue
        if a.startswith("--threads="):
            i += 1
            continue
        if a.startswith("-r") and len(a) > 2 and not a.startswith("--"):
            source = a[2:]
        else:
            rest.append(a)
        i += 1
    return source, rest


def split_size(idx):
    """How many shards the split that wrote this index made (its trailer, shard_index.hpp)."""
    with open(idx, "rb") as f:
        f.seek(-48, os.SEEK_END)
        trailer = f.read(48)
    return int.from_bytes(trailer[36:40], "little") if trailer[40:] == b"TLSHEND1" else 0


def shard_files(directory):
    """(pcap, idx) of every shard in a `tcplens split` directory, by shard number: those of
    the split that wrote shard-0 (a directory split again into fewer keeps older ones)."""
    shards = {}
    for pcap in glob.glob(os.path.join(directory, "shard-*.pcap")):
        number = os.path.basename(pcap)[len("shard-"):-len(".pcap")]
        idx = pcap[:-len(".pcap")] + ".idx"
        if number.isdigit() and os.path.exists(idx):
            shards[int(number)] = (pcap, idx)
    if 0 not in shards:
        return []
    count = split_size(shards[0][1])
    return [shards[k] for k in range(count) if k in shards] if len(shards) >= count else []


def connect(scheduler):
    import cloudpickle
    from dask.distributed import Client, LocalCluster

    # The tasks travel by value: a worker needs Python and Dask, not this package.
    cloudpickle.register_pickle_by_value(tasks)

    if scheduler.startswith("local:"):
        workers = int(scheduler[len("local:"):])
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
        return Client(cluster), cluster
    return Client(scheduler), None


def worker_threads(client):
    return sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()) or 1


def run(options, out=None):
    """Runs the command; returns the exit status (tcplens's)."""
    tcplens = options.tcplens or shutil.which("tcplens")
    if not tcplens:
        print("tcplens_dask: no tcplens binary on PATH (give --tcplens BIN)", file=sys.stderr)
        return 2
    tcplens = os.path.abspath(tcplens)
    source, args = take_input(options.args)
    if not source:
        print("tcplens_dask: give -r FILE (a capture) or -r DIR (shards of `tcplens split`)", file=sys.stderr)
        return 2
    if "--merge" in args or "--shard-index" in args or "-i" in args:
        print("tcplens_dask: -i, --merge and --shard-index are not for the cluster run", file=sys.stderr)
        return 2
    made_dir = options.work_dir is None
    # Absolute paths: a worker runs in a directory of its own.
    work = os.path.abspath(options.work_dir or tempfile.mkdtemp(prefix="tcplens-dask-"))
    source = os.path.abspath(source) if source != "-" else source
    os.makedirs(work, exist_ok=True)
    times = {}
    client = cluster = None
    try:
        t0 = time.monotonic()
        client, cluster = connect(options.scheduler)
        times["connect"] = time.monotonic() - t0
        if os.path.isdir(source):
            shards = shard_files(source)
            if not shards:
                print(f"tcplens_dask: {source}: no shard-K.pcap with its .idx", file=sys.stderr)
                return 1
        else:
            count = options.shards or worker_threads(client)
            shard_dir = os.path.join(work, "shards")
            t0 = time.monotonic()
            split = subprocess.run([tcplens, "split", "-r", source, "-o", shard_dir, "-n", str(count)])
            times["split"] = time.monotonic() - t0
            if split.returncode != 0:
                return split.returncode
            shards = shard_files(shard_dir)
        t0 = time.monotonic()
        futures = []
        for k, (pcap, idx) in enumerate(shards):
            if options.scatter:
                with open(pcap, "rb") as f:
                    pcap_bytes = f.read()
                with open(idx, "rb") as f:
                    idx_bytes = f.read()
                data = client.scatter([pcap_bytes, idx_bytes])
                futures.append(client.submit(run_shard_scattered, tcplens, options.command, args, *data,
                                             pure=False))
            else:
                items = os.path.join(work, f"shard-{k}.{options.command}.items")
                futures.append(client.submit(run_shard_shared, tcplens, options.command, args, pcap, idx,
                                             items, pure=False))
        results = client.gather(futures)
        times["shards"] = time.monotonic() - t0
        item_files = []
        status = 0
        for k, (code, err, items) in enumerate(results):
            if err:
                sys.stderr.write(err)
            if code != 0:
                status = code
            if options.scatter:
                path = os.path.join(work, f"shard-{k}.{options.command}.items")
                with open(path, "wb") as f:
                    f.write(items)
                items = path
            item_files.append(items)
        if status != 0:
            return status
        t0 = time.monotonic()
        sys.stdout.flush()
        merge = subprocess.run([tcplens, options.command, *args, "--merge", *item_files], stdout=out)
        times["merge"] = time.monotonic() - t0
        if options.timing:
            print("tcplens_dask: " + ", ".join(f"{k} {v:.2f} s" for k, v in times.items()), file=sys.stderr)
        return merge.returncode
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
        if made_dir:
            shutil.rmtree(work, ignore_errors=True)


def main(argv):
    return run(parse_args(argv))
