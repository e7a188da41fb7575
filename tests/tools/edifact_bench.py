"""Measure the EDIFACT syntax layer against pydifact, and the whole ORDERS read.

Run: .venv/bin/python tests/tools/edifact_bench.py [megabytes]
"""

from __future__ import annotations

import io
import sys
import time

from pydifact.parser import Parser

from orderport.formats.edifact import InterchangeReport, read_interchange
from orderport.formats.edifact.syntax import Delimiters, tokenize

LINE = (
    "LIN+{n}++4000862141404:EN'PIA+1+SUP-{n}:SA+B?+{n}:BP'IMD+F++:::Widget ?'{n}?':blue'"
    "QTY+21:{n}:PCE'DTM+2:20260320:102'PRI+AAA:12.50'"
)


def build(megabytes: float) -> str:
    parts = ["UNA:+.? 'UNB+UNOC:3+S:14+R:14+260301:0900+IC1'"]
    messages = 0
    size = 0
    while size < megabytes * 1_000_000:
        messages += 1
        body = f"BGM+220+PO-{messages}+9'DTM+137:20260301:102'NAD+BY+5412345000013::9'CUX+2:EUR:9'"
        lines = "".join(LINE.format(n=n) for n in range(1, 51))
        text = f"UNH+{messages}+ORDERS:D:96A:UN'{body}{lines}UNS+S'CNT+2:50'"
        count = text.count("'") + 1
        text += f"UNT+{count}+{messages}'"
        parts.append(text)
        size += len(text)
    parts.append(f"UNZ+{messages}+IC1'")
    return "".join(parts)


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    text = build(megabytes)
    raw = text.encode("latin-1")
    mb = len(raw) / 1e6
    segments = text.count("'") - 1

    start = time.perf_counter()
    ours = sum(
        1
        for _ in tokenize(
            [text[9 + i : 9 + i + (1 << 20)] for i in range(0, len(text) - 9, 1 << 20)],
            Delimiters(),
        )
    )
    t_ours = time.perf_counter() - start

    small = text[: len(text) // 10]
    small = small[: small.rfind("'") + 1]
    start = time.perf_counter()
    theirs = sum(1 for _ in Parser().parse(small))
    t_theirs = (time.perf_counter() - start) * (len(text) / len(small))

    start = time.perf_counter()
    report = InterchangeReport()
    docs = sum(1 for _ in read_interchange(io.BytesIO(raw), "bench.edi", None, report))
    t_read = time.perf_counter() - start

    print(f"file: {mb:.1f} MB, {segments} segments, {docs} POs, {docs * 50} lines")
    print(f"our tokenizer : {mb / t_ours:8.1f} MB/s ({ours} segments)")
    print(
        f"pydifact      : {mb / t_theirs:8.1f} MB/s (parsed {theirs} segments of a tenth, scaled)"
    )
    print(f"ORDERS read   : {mb / t_read:8.1f} MB/s, {docs * 50 / t_read:,.0f} lines/s end to end")


if __name__ == "__main__":
    main()
