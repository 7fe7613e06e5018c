"""Celery tasks of the feeds (filled in by the sync engine)."""
