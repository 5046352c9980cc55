"""What a Dask worker runs: tcplens over one shard, writing its merge items (for detect, its
state: the detectors' input in the whole input's frame order).

Sent to the workers by value (cloudpickle), so that a worker needs only Python, Dask and the
tcplens binary; keep it to the standard library.
"""

import os
import subprocess
import tempfile


def shard_command(tcplens, command, args, pcap, idx):
    # detect runs on one thread and has no --threads.
    threads = [] if command == "detect" else ["--threads", "1"]
    return [tcplens, command, *args, "-r", pcap, "--shard-index", idx, *threads]


def run_shard_shared(tcplens, command, args, pcap, idx, items):
    """On a worker: one shard from shared storage, its items written beside it."""
    with open(items + ".partial", "wb") as out:
        proc = subprocess.run(shard_command(tcplens, command, args, pcap, idx), stdout=out,
                              stderr=subprocess.PIPE)
    if proc.returncode == 0:
        os.replace(items + ".partial", items)
    return proc.returncode, proc.stderr.decode(errors="replace"), items


def run_shard_scattered(tcplens, command, args, pcap_bytes, idx_bytes):
    """On a worker: one shard sent as bytes; its items returned as bytes."""
    with tempfile.TemporaryDirectory(prefix="tcplens-shard-") as d:
        pcap, idx = os.path.join(d, "shard.pcap"), os.path.join(d, "shard.idx")
        with open(pcap, "wb") as f:
            f.write(pcap_bytes)
        with open(idx, "wb") as f:
            f.write(idx_bytes)
        proc = subprocess.run(shard_command(tcplens, command, args, pcap, idx), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    return proc.returncode, proc.stderr.decode(errors="replace"), proc.stdout
