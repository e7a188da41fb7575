"""One intake pass + delivery in its own process (killed with SIGKILL by the crash tests).

With ``--on-go`` the process imports everything, prints ``ready`` and waits for a line on
stdin before the pass, so a test can start it in lockstep with a pass of its own.
"""

from __future__ import annotations

import sys
from pathlib import Path

from orderport.pipeline.deliver import deliver_pending
from orderport.pipeline.intake import intake_pass
from orderport.store.db import make_engine


def main() -> None:
    url, home = sys.argv[1], Path(sys.argv[2])
    engine = make_engine(url)
    if "--on-go" in sys.argv[3:]:
        print("ready", flush=True)
        sys.stdin.readline()
    summary = intake_pass(engine, home=home)
    deliver_pending(engine, home=home)
    for outcome in summary.outcomes:
        print(outcome.file_id, outcome.state.value)
    for error in summary.errors:
        print("ERROR", error)


if __name__ == "__main__":
    main()
