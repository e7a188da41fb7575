"""``python -m bench --size 10k|100k|1m [--db sqlite|postgresql|both] [--formats ...]``."""

import sys

from bench.harness import main

sys.exit(main())
