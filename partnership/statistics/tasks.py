from celery import shared_task


@shared_task
def refresh_statistics() -> str:
    """Beat, hourly: recompute the figures of /statistiques/ into the cache."""
    from partnership.statistics.figures import refresh

    return refresh()["computed_at"]
