"""JSON purchase orders: canonical, Inspectorio (seed 003), Loupe (seed 004) and 3PL (seed 002)."""

from orderport.formats.json_shapes.reader import JsonReader

READER = JsonReader()

__all__ = ["READER", "JsonReader"]
