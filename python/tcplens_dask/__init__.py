"""tcplens over a Dask cluster: flow-complete shards analysed by workers, merged as one run.

`python3 -m tcplens_dask --scheduler local:N|ADDRESS conns -r FILE_OR_SHARD_DIR --format json`
(docs/scale-out.md). A capture file is first cut with `tcplens split`; each worker runs the
tcplens binary on its shard with `--shard-index`, which writes merge items (the whole input's
frame numbers, the shard's stream numbers and where each stream began) instead of text; the
client merges them with `tcplens ... --merge`, which writes exactly what one `tcplens` run
over the whole input writes. `detect` works the same way, its shard runs writing the
detectors' input (a state) that the merge replays in frame order into one detector.
"""

from .run import main, run  # noqa: F401
