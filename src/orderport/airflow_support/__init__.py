"""Glue between Airflow and ``orderport.pipeline``: the only package (with ``dags/``) that imports
Airflow, and only lazily, inside functions that run in a task or at DAG parse time.

The DAG files stay thin: they read the small partner catalog (:mod:`.catalog`), build tasks with
the defaults of :mod:`.defaults`, and call the task bodies in :mod:`.tasks`, which import the
pipeline only when a task runs.
"""
