from decimal import Decimal

import pytest

from orderport.store.routing import (
    NoWarehouseError,
    RoutedLine,
    Warehouse,
    default_warehouse,
    plan_fulfillment,
    route_sku,
)

EAST = Warehouse("EAST", ("E-", "X-"), 1)
WEST = Warehouse("WEST", ("W-",), 2)
MAIN = Warehouse("MAIN", (), 100)
ALL = [MAIN, WEST, EAST]  # deliberately not in rank order


def line(n: int, sku: str | None) -> RoutedLine:
    return RoutedLine(n, sku, Decimal(n), "EA")


def test_first_ranked_prefix_match_wins():
    overlapping = Warehouse("NORTH", ("E-1",), 5)
    ranked = [EAST, WEST, overlapping, MAIN]
    assert route_sku("E-100", ranked).code == "EAST"
    assert route_sku("W-1", ranked).code == "WEST"
    assert route_sku("X-9", ranked).code == "EAST"


def test_unmatched_and_missing_sku_go_to_default():
    ranked = [EAST, WEST, MAIN]
    assert route_sku("Z-1", ranked).code == "MAIN"
    assert route_sku(None, ranked).code == "MAIN"
    assert route_sku("e-1", ranked).code == "MAIN"  # prefixes are case-sensitive


def test_default_is_first_catch_all_else_first_ranked():
    assert default_warehouse([EAST, WEST, MAIN]).code == "MAIN"
    assert default_warehouse([EAST, WEST]).code == "EAST"
    with pytest.raises(NoWarehouseError, match="no warehouse"):
        default_warehouse([])


def test_split_one_order_per_warehouse_in_rank_order():
    lines = [line(1, "Z-1"), line(2, "W-1"), line(3, "E-1"), line(4, "W-2")]
    plan = plan_fulfillment(lines, ALL, external_id="EXT9", can_split=True)
    assert [(p.seq, p.external_id, p.warehouse_code) for p in plan] == [
        (1, "EXT9.1", "EAST"),
        (2, "EXT9.2", "WEST"),
        (3, "EXT9.3", "MAIN"),
    ]
    assert [[ln.line_number for ln in p.lines] for p in plan] == [[3], [2, 4], [1]]


def test_split_allowed_but_one_warehouse_keeps_external_id():
    plan = plan_fulfillment([line(1, "W-1"), line(2, "W-2")], ALL, external_id="P1", can_split=True)
    assert [(p.external_id, p.warehouse_code, len(p.lines)) for p in plan] == [("P1", "WEST", 2)]


def test_no_split_sends_everything_to_busiest_warehouse():
    lines = [line(1, "W-1"), line(2, "E-1"), line(3, "W-2"), line(4, None)]
    plan = plan_fulfillment(lines, ALL, external_id="P1", can_split=False)
    assert len(plan) == 1
    assert (plan[0].external_id, plan[0].warehouse_code) == ("P1", "WEST")
    assert [ln.line_number for ln in plan[0].lines] == [1, 2, 3, 4]


def test_no_split_tie_goes_to_better_priority():
    lines = [line(1, "Z-1"), line(2, "W-1"), line(3, "E-1")]
    plan = plan_fulfillment(lines, ALL, external_id="P1", can_split=False)
    assert plan[0].warehouse_code == "EAST"


def test_no_lines_no_orders():
    assert plan_fulfillment([], ALL, external_id="P1", can_split=True) == []
