"""The HTTP front door: the seeds' PO APIs over the same path as file intake.

``app.create_app`` builds the ASGI app; ``intake_adapter`` is the one place that hands a
request body to the pipeline; ``keys`` holds the per-partner API keys.
"""
