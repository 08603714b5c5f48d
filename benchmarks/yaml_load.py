"""Time `load_spec` with libyaml's parser against the pure-Python one, in the same run.

    python benchmarks/yaml_load.py                      # generated trips, 10-400 hosts
    python benchmarks/yaml_load.py examples/*.yaml      # given files

Both parsers feed the same composer (`itinerary/yamlsrc.py`), so the data and the lines are the
same; rounds alternate between them, so load on the machine hits both alike. Prints the median
and best seconds per file and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from itinerary.input import yamlsrc
from itinerary.input.load import load_spec

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import trip_yaml  # noqa: E402

SIZES = ((10, 3), (50, 5), (100, 5), (400, 10))


def time_file(path: Path, rounds: int) -> dict[str, list[float]]:
    seconds: dict[str, list[float]] = {"pure": [], "libyaml": []}
    fast = yamlsrc._FAST
    try:
        for _ in range(rounds):
            for name, loader in (("pure", None), ("libyaml", fast)):
                yamlsrc._FAST = loader
                began = time.perf_counter()
                load_spec(path)
                seconds[name].append(time.perf_counter() - began)
    finally:
        yamlsrc._FAST = fast
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="trip files (default: generated)")
    parser.add_argument("--rounds", type=int, default=7, help="rounds per parser (default 7)")
    args = parser.parse_args()
    if yamlsrc._FAST is None:
        parser.exit(1, "this PyYAML has no libyaml: nothing to compare\n")
    with tempfile.TemporaryDirectory() as folder:
        files = list(args.files)
        if not files:
            for hosts, days in SIZES:
                path = Path(folder) / f"trip-{hosts}x{days}.yaml"
                path.write_text(trip_yaml(hosts, days, seed=0), encoding="utf-8")
                files.append(path)
        print("| file | kB | pure Python (median / best s) | libyaml (median / best s) | ratio |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for path in files:
            seconds = time_file(path, args.rounds)
            pure, fast = seconds["pure"], seconds["libyaml"]
            print(
                f"| {path.name} | {path.stat().st_size / 1000:.0f} "
                f"| {statistics.median(pure):.3f} / {min(pure):.3f} "
                f"| {statistics.median(fast):.3f} / {min(fast):.3f} "
                f"| {statistics.median(pure) / statistics.median(fast):.1f}× |"
            )


if __name__ == "__main__":
    main()
