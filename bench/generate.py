"""Deterministic benchmark data: the same POs as canonical CSV, XLSX, X12 850 and canonical JSON.

``python -m bench.generate --lines 100000 --out bench/data`` writes
``pos_<lines>.{csv,xlsx,edi,json}``.
Every PO has 1-20 lines with realistic values: SKUs with leading zeros, UPC-A codes with valid
check digits, ship-to addresses, delivery and ship windows, unit costs.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

CITIES = [
    ("Chicago", "IL", "60607"),
    ("Dallas", "TX", "75201"),
    ("Newark", "NJ", "07102"),
    ("Reno", "NV", "89501"),
    ("Atlanta", "GA", "30303"),
    ("Columbus", "OH", "43215"),
]
STREETS = ["Main St", "Harbor Blvd", "Industrial Pkwy", "Commerce Dr", "Depot Rd"]
UOMS = ["EA", "EA", "EA", "CS", "PK"]
COLORS = ["BLK", "WHT", "NAVY", "RED", "GRN"]
SIZES = ["XS", "S", "M", "L", "XL"]

CSV_COLUMNS = [
    "po_number",
    "order_date",
    "currency",
    "delivery_start",
    "delivery_end",
    "ship_start",
    "ship_end",
    "buyer_id",
    "vendor_id",
    "ship_to_name",
    "ship_to_line1",
    "ship_to_city",
    "ship_to_province",
    "ship_to_postal_code",
    "ship_to_country",
    "line_number",
    "sku",
    "buyer_sku",
    "gtin",
    "description",
    "color",
    "size",
    "quantity",
    "uom",
    "unit_cost",
]


def upc_check_digit(body: str) -> str:
    """GS1 mod-10 check digit for the 11-digit body of a UPC-A."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


@dataclass(frozen=True)
class GenLine:
    line_number: int
    sku: str
    buyer_sku: str
    gtin: str
    description: str
    color: str
    size: str
    quantity: int
    uom: str
    unit_cost: Decimal


@dataclass(frozen=True)
class GenPo:
    po_number: str
    order_date: date
    delivery: tuple[date, date]
    ship: tuple[date, date]
    buyer_id: str
    vendor_id: str
    ship_to: tuple[str, str, str, str, str]
    lines: list[GenLine]


def generate(total_lines: int, seed: int = 20261123) -> Iterator[GenPo]:
    """POs until ``total_lines`` lines have been produced (the last PO is cut to fit)."""
    rng = random.Random(seed)
    made = 0
    number = 0
    base = date(2026, 1, 5)
    while made < total_lines:
        number += 1
        count = min(rng.randint(1, 20), total_lines - made)
        ordered = base + timedelta(days=rng.randint(0, 300))
        ship_start = ordered + timedelta(days=rng.randint(7, 30))
        ship_end = ship_start + timedelta(days=rng.randint(3, 14))
        deliver_end = ship_end + timedelta(days=rng.randint(5, 20))
        city, province, postal = rng.choice(CITIES)
        lines = []
        for n in range(1, count + 1):
            item = rng.randint(1, 999999)
            body = f"0{rng.randint(0, 9999999999):010d}"
            lines.append(
                GenLine(
                    line_number=n,
                    sku=f"{item:08d}",
                    buyer_sku=f"B{item:07d}",
                    gtin=body + upc_check_digit(body),
                    description=f"Item {item} {rng.choice(COLORS)}",
                    color=rng.choice(COLORS),
                    size=rng.choice(SIZES),
                    quantity=rng.randint(1, 500),
                    uom=rng.choice(UOMS),
                    unit_cost=Decimal(rng.randint(50, 50000)) / 100,
                )
            )
        made += count
        yield GenPo(
            po_number=f"PO{number:09d}",
            order_date=ordered,
            delivery=(ship_end, deliver_end),
            ship=(ship_start, ship_end),
            buyer_id=f"BUYER{rng.randint(1, 40):03d}",
            vendor_id="VEND001",
            ship_to=(
                f"DC {rng.randint(1, 99):02d}",
                f"{rng.randint(1, 9999)} {rng.choice(STREETS)}",
                city,
                province,
                postal,
            ),
            lines=lines,
        )


def csv_rows(po: GenPo) -> Iterator[list[str]]:
    for line in po.lines:
        yield [
            po.po_number,
            po.order_date.isoformat(),
            "USD",
            po.delivery[0].isoformat(),
            po.delivery[1].isoformat(),
            po.ship[0].isoformat(),
            po.ship[1].isoformat(),
            po.buyer_id,
            po.vendor_id,
            *po.ship_to,
            "US",
            str(line.line_number),
            line.sku,
            line.buyer_sku,
            line.gtin,
            line.description,
            line.color,
            line.size,
            str(line.quantity),
            line.uom,
            str(line.unit_cost),
        ]


def write_csv(pos: Iterable[GenPo], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for po in pos:
            writer.writerows(csv_rows(po))


def write_xlsx(pos: Iterable[GenPo], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Orders")
    sheet.append(CSV_COLUMNS)
    for po in pos:
        for row in csv_rows(po):
            sheet.append(row)
    book.save(path)


def _x12_segments(po: GenPo, st_control: int) -> list[str]:
    name, street, city, province, postal = po.ship_to
    segments = [
        f"ST*850*{st_control:04d}",
        f"BEG*00*SA*{po.po_number}**{po.order_date:%Y%m%d}",
        "CUR*BY*USD",
        f"DTM*064*{po.delivery[0]:%Y%m%d}",
        f"DTM*063*{po.delivery[1]:%Y%m%d}",
        f"DTM*037*{po.ship[0]:%Y%m%d}",
        f"DTM*038*{po.ship[1]:%Y%m%d}",
        f"N1*ST*{name}*92*{name.replace(' ', '')}",
        f"N3*{street}",
        f"N4*{city}*{province}*{postal}*US",
    ]
    for line in po.lines:
        segments.append(
            f"PO1*{line.line_number}*{line.quantity}*{line.uom}*{line.unit_cost}**"
            f"UP*{line.gtin}*VN*{line.sku}*IN*{line.buyer_sku}"
        )
        segments.append(f"PID*F****{line.description}")
    segments.append(f"CTT*{len(po.lines)}*{sum(line.quantity for line in po.lines)}")
    segments.append(f"SE*{len(segments) + 1}*{st_control:04d}")
    return segments


def write_x12(pos: Iterable[GenPo], path: Path, sets_per_group: int = 1000) -> None:
    """One interchange, groups of ``sets_per_group`` 850s, ``~`` + newline terminators."""
    isa = (
        "ISA*00*          *00*          *ZZ*BUYERCO        *ZZ*ORDERPORT      *"
        "261123*0800*U*00401*000000001*0*P*>~\n"
    )
    remaining = iter(pos)
    with path.open("w", encoding="ascii", newline="") as out:
        out.write(isa)
        groups = 0
        while chunk := list(itertools.islice(remaining, sets_per_group)):
            groups += 1
            out.write(f"GS*PO*BUYERCO*ORDERPORT*20261123*0800*{groups}*X*004010~\n")
            for offset, po in enumerate(chunk, start=1):
                out.write("~\n".join(_x12_segments(po, offset)) + "~\n")
            out.write(f"GE*{len(chunk)}*{groups}~\n")
        out.write(f"IEA*{groups}*000000001~\n")


def canonical(po: GenPo) -> dict[str, object]:
    name, street, city, province, postal = po.ship_to
    return {
        "po_number": po.po_number,
        "order_date": po.order_date.isoformat(),
        "currency": "USD",
        "delivery_window": {"start": po.delivery[0].isoformat(), "end": po.delivery[1].isoformat()},
        "ship_window": {"start": po.ship[0].isoformat(), "end": po.ship[1].isoformat()},
        "organisations": {"buyer": {"id": po.buyer_id}, "vendor": {"id": po.vendor_id}},
        "ship_to": {
            "name": name,
            "line1": street,
            "city": city,
            "province": province,
            "postal_code": postal,
            "country": "US",
        },
        "lines": [
            {
                "line_number": line.line_number,
                "sku": line.sku,
                "buyer_sku": line.buyer_sku,
                "gtin": line.gtin,
                "description": line.description,
                "color": line.color,
                "size": line.size,
                "quantity": str(line.quantity),
                "uom": line.uom,
                "unit_cost": {"amount": str(line.unit_cost), "currency": "USD"},
            }
            for line in po.lines
        ],
    }


def write_json(pos: Iterable[GenPo], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("[\n")
        for index, po in enumerate(pos):
            out.write(("," if index else "") + json.dumps(canonical(po)) + "\n")
        out.write("]\n")


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "edi": write_x12, "json": write_json}


def ensure(lines: int, out: Path, kinds: tuple[str, ...] = tuple(WRITERS)) -> dict[str, Path]:
    """Write the data set for ``lines`` unless it is already there; the paths by kind."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {kind: out / f"pos_{lines}.{kind}" for kind in kinds}
    missing = [kind for kind, path in paths.items() if not path.exists()]
    for kind in missing:
        # Streamed: the generator is deterministic, so each file gets the same POs.
        tmp = paths[kind].with_suffix(paths[kind].suffix + ".tmp")
        WRITERS[kind](generate(lines), tmp)
        tmp.rename(paths[kind])
    return paths


SMALL_FILES = 2_000


def ensure_small(count: int, out: Path) -> list[Path]:
    """``count`` CSV files of one PO each (1-20 lines), in ``out/small_<count>/``."""
    folder = out / f"small_{count}"
    paths = [folder / f"po_{index:05d}.csv" for index in range(1, count + 1)]
    if all(path.exists() for path in paths):
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    pos = generate(count * 21, seed=16)
    for path, po in zip(paths, pos, strict=False):
        write_csv([po], path)
    if not paths[-1].exists():
        raise RuntimeError(f"generated fewer than {count} POs")
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=Path("bench/data"))
    parser.add_argument("--kinds", default=",".join(WRITERS), help="csv,xlsx,edi,json")
    args = parser.parse_args()
    kinds = tuple(kind.strip() for kind in args.kinds.split(",") if kind.strip())
    unknown = sorted(set(kinds) - set(WRITERS))
    if unknown:
        parser.error(f"unknown kind(s) {', '.join(unknown)}; choose from {', '.join(WRITERS)}")
    for kind, path in ensure(args.lines, args.out, kinds).items():
        print(f"{kind:5} {path} {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
