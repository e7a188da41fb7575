"""Orderport: purchase orders in from trading partners, status and bookings back out."""

__version__ = "0.1.0"
