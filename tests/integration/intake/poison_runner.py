"""An intake pass whose CSV reader dies natively on files named ``*poison*`` (os.abort, as the
spreadsheet library did on a 5 KB workbook) or raises ``MemoryError`` on ``*hog*``; for the
crash-isolation tests."""

from __future__ import annotations

import os
import runpy
import sys
from pathlib import Path

from orderport.formats import csv_reader

_read = csv_reader.CsvReader.read


def _poisoned(self, stream, filename, settings):  # type: ignore[no-untyped-def]
    if "poison" in filename:
        os.abort()
    if "hog" in filename:
        raise MemoryError
    return _read(self, stream, filename, settings)


csv_reader.CsvReader.read = _poisoned  # type: ignore[method-assign]
sys.argv = [str(Path(__file__).with_name("intake_runner.py")), *sys.argv[1:]]
runpy.run_path(sys.argv[0], run_name="__main__")
