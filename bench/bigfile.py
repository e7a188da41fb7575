"""Peak memory for a very large CSV: ``python -m bench.bigfile --gb 1 [--db sqlite|postgresql]``.

Generates (once, streamed) a canonical CSV of about the given size into ``bench/data`` and runs
the real intake path over it once in a fresh process, then prints lines/s, the intake process's
peak RSS and the peak PSS of it and its reading process together. Not part
of CI or of ``make bench``: a 1 GB file is ~5 million lines and takes a while.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.databases import Databases
from bench.generate import ensure
from bench.harness import MB, ROOT, measure

BYTES_PER_LINE = 200  # the generator's CSV lines average ~200 bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gb", type=float, default=1.0)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data")
    args = parser.parse_args()
    lines = int(args.gb * 1_000_000_000 / BYTES_PER_LINE)
    path = ensure(lines, args.data, ("csv",))["csv"]
    with Databases([args.db]) as databases:
        url = databases.fresh(args.db)
        result = measure({"kind": "intake", "format": "csv", "file": str(path), "db": url})
        databases.release(url)
    size = path.stat().st_size
    print(
        json.dumps(
            {
                "file_mb": round(size / MB),
                "lines": result["lines"],
                "db": args.db,
                "lines_per_s": round(result["lines"] / result["seconds"]),
                "lines_per_cpu_s": round(result["lines"] / result["cpu_seconds"]),
                "peak_rss_mb": round(result["peak_rss"] / MB),
                "peak_pss_mb_with_reader": round(result["peak_pss"] / MB),
                "outcomes": result["outcomes"],
            }
        )
    )


if __name__ == "__main__":
    main()
