"""Write the X12 sample files (run: .venv/bin/python tests/tools/x12_build_samples.py).

Counts and control numbers are computed here, then deliberately broken where a sample says so.
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "sample_files" / "x12"
SENDER = "INITECH"
"""The interchange id of sample_files/partners/initech.yaml: the samples are its files."""


def isa(
    control: int,
    version: str = "00401",
    el: str = "*",
    rep: str = "U",
    comp: str = ">",
    sender: str = SENDER,
    receiver: str = "ORDERPORT",
) -> list[str]:
    return [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        sender.ljust(15),
        "ZZ",
        receiver.ljust(15),
        "260301",
        "0930",
        rep,
        version,
        f"{control:09d}",
        "0",
        "P",
        comp,
    ]


def interchange(
    control: int,
    groups: list[tuple[str, int, list[list[list[str]]]]],
    *,
    version: str = "00401",
    el: str = "*",
    rep: str = "U",
    comp: str = ">",
    term: str = "~",
    newline: str = "\n",
    se_count_delta: int = 0,
    gs_version: str = "004010",
) -> str:
    segs: list[list[str]] = [isa(control, version, el, rep, comp)]
    for functional_id, gs_control, sets in groups:
        segs.append(
            [
                "GS",
                functional_id,
                SENDER,
                "ORDERPORT",
                "20260301",
                "0930",
                str(gs_control),
                "X",
                gs_version,
            ]
        )
        for number, body in enumerate(sets, start=1):
            st = ["ST", body[0][0], f"{number:04d}"]
            inner = body[1:]
            count = len(inner) + 2 + se_count_delta
            segs += [st, *inner, ["SE", str(count), f"{number:04d}"]]
        segs.append(["GE", str(len(sets)), str(gs_control)])
    segs.append(["IEA", str(len(groups)), f"{control:09d}"])
    return "".join(el.join(s) + term + newline for s in segs)


def header(purpose: str = "00", po: str = "4500012345") -> list[list[str]]:
    return [
        ["BEG", purpose, "SA", po, "", "20260301"],
        ["CUR", "BY", "USD"],
        ["REF", "DP", "0042"],
        ["REF", "IA", "000778"],
        ["REF", "ZZ", "EXT-4500012345"],
        ["FOB", "PP", "", "", "", "01", "FOB"],
        ["ITD", "01", "3", "", "", "", "", "30", "", "", "", "", "NET 30"],
        ["DTM", "037", "20260310"],
        ["DTM", "038", "20260320"],
        ["DTM", "002", "20260401"],
        ["N1", "ST", "ACME DC 7", "92", "0007"],
        ["N3", "100 Harbor Way", "Dock 4"],
        ["N4", "Long Beach", "CA", "90802", "US"],
        ["N1", "BT", "ACME Accounts Payable", "92", "AP01"],
        ["N3", "1 Main St"],
        ["N4", "Springfield", "IL", "62701", "US"],
        ["N1", "BY", "ACME Retail", "92", "ACME"],
        ["N1", "VN", "Widget Works", "92", "WW-01"],
        ["N1", "SF", "Widget Factory 3", "92", "WWF3"],
        ["N4", "Shenzhen", "GD", "518000", "CN"],
    ]


def lines(upc2: str = "012345678905") -> list[list[str]]:
    return [
        ["PO1", "1", "24", "EA", "2.50", "", "UP", "036000291452", "VN", "WID-001", "IN", "000123"],
        ["PID", "F", "", "", "", "Blue widget, large"],
        ["PO4", "12"],
        ["PO1", "2", "10.5", "CS", "12", "", "SK", "SKU-0002", "UP", upc2],
        ["PID", "F", "", "", "", "Red widget"],
        ["DTM", "002", "20260405"],
    ]


def po_850(
    purpose: str = "00",
    po: str = "4500012345",
    upc2: str = "012345678905",
    ctt: tuple[str, str] = ("2", "34.5"),
) -> list[list[str]]:
    body = [["850"], *header(purpose, po), *lines(upc2)]
    body += [["CTT", *ctt], ["AMT", "TT", "186.00"]]
    return body


def simple_850(po: str, qty: str) -> list[list[str]]:
    return [
        ["850"],
        ["BEG", "00", "SA", po, "", "20260302"],
        ["N1", "ST", "Store 12", "92", "0012"],
        ["N3", "5 Market St"],
        ["N4", "Austin", "TX", "73301", "US"],
        ["PO1", "1", qty, "EA", "3.10", "", "BP", "B-77", "UP", "036000291452"],
        ["CTT", "1", qty],
    ]


def po_860() -> list[list[str]]:
    return [
        ["860"],
        ["BCH", "04", "SA", "4500012345", "", "", "20260301"],
        ["DTM", "038", "20260325"],
        ["POC", "1", "QI", "30", "", "EA", "2.50", "", "UP", "036000291452"],
        ["POC", "2", "DI", "", "", "CS", "", "", "SK", "SKU-0002"],
        ["POC", "3", "AI", "6", "", "EA", "4.00", "", "VN", "WID-003", "UP", "012345678905"],
        ["PID", "F", "", "", "", "Green widget"],
        ["CTT", "3", "36"],
    ]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    files = {
        "po_004010_crlf.edi": interchange(1001, [("PO", 501, [po_850()])], newline="\r\n"),
        "po_005010_one_line.edi": interchange(
            1002,
            [("PO", 502, [po_850(po="4500012346")])],
            version="00501",
            el="|",
            rep="^",
            comp=">",
            term="~",
            newline="",
            gs_version="005010",
        ),
        "po_two_groups.edi": interchange(
            1003,
            [
                ("PO", 503, [simple_850("7000001", "5"), simple_850("7000002", "7")]),
                ("PO", 504, [simple_850("7000003", "9")]),
            ],
        ),
        "po_bad_upc.edi": interchange(1004, [("PO", 505, [po_850(upc2="012345678901")])]),
        "po_ctt_mismatch.edi": interchange(1005, [("PO", 506, [po_850(ctt=("3", "35"))])]),
        "po_bad_se_count.edi": interchange(
            1006, [("PO", 507, [simple_850("7000004", "4")])], se_count_delta=1
        ),
        "po_cancel.edi": interchange(
            1007, [("PO", 508, [[["850"], ["BEG", "01", "SA", "4500012345", "", "20260303"]]])]
        ),
        "po_change_860.edi": interchange(1008, [("PC", 509, [po_860()])]),
        "po_bad_values.edi": interchange(
            1009,
            [
                (
                    "PO",
                    510,
                    [
                        [
                            ["850"],
                            ["BEG", "00", "SA", "7000009", "", "20260230"],
                            ["PO1", "1", "1O", "EA", "2.00", "", "UP", "036000291452"],
                            ["PO1", "A-2", "3", "EA", "", "", "UP", "036000291452"],
                            ["CTT", "2"],
                        ]
                    ],
                )
            ],
            el="^",
            rep="U",
            comp="\\",
            term="|",
        ),
    }
    truncated = interchange(1010, [("PO", 511, [simple_850("7000010", "2")])])
    files["po_truncated.edi"] = truncated[: truncated.index("CTT")]
    for name, text in files.items():
        (OUT / name).write_bytes(text.encode("ascii"))
        print("wrote", name)


if __name__ == "__main__":
    main()
