"""Alembic migrations of the fulfillment store (a package so that env.py ships in the wheel)."""
