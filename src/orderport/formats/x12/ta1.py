"""The TA1 interchange acknowledgment: the answer to an interchange whose envelope we rejected.

A TA1 travels in its own ISA/IEA (no functional group, so IEA01 is 0). TA101-TA103 echo the
inbound ISA13 control number, ISA09 date and ISA10 time; TA104 is A (accepted), E (accepted
with errors) or R (rejected); TA105 the interchange note code (``results.ISA_*``: 001 the
IEA02 control number does not match ISA13, 021 IEA01 does not count the groups).
"""

from __future__ import annotations

from datetime import datetime

from orderport.formats.outbound import EdiParty
from orderport.formats.x12.ack997 import answer_isa_header, answer_separators
from orderport.formats.x12.envelope_out import (
    SegmentWriter,
    check_control,
    write_iea,
    write_isa,
)
from orderport.formats.x12.results import InterchangeResult


def build_ta1(
    interchange: InterchangeResult,
    *,
    isa_control: int,
    now: datetime,
    newline: bool = False,
    sender: EdiParty | None = None,
) -> bytes:
    """A TA1 rejecting ``interchange`` with its first note code (``interchange.errors``).

    ``sender`` is us (ISA05/06); by default the identity the partner addressed.
    """
    check_control("isa_control", isa_control)
    if not interchange.errors:
        raise ValueError("the interchange has no envelope error to answer with a TA1")
    info = interchange.info
    w = SegmentWriter(answer_separators(info.separators, info.version), newline)
    us = sender or EdiParty(info.receiver_id, info.receiver_qualifier)
    write_isa(w, answer_isa_header(info, us, isa_control), now)
    w.segment(
        "TA1",
        w.clean(info.control_number),
        w.clean(info.date),
        w.clean(info.time),
        "R",
        interchange.errors[0],
    )
    write_iea(w, 0, isa_control)
    return w.text().encode("ascii", errors="replace")
