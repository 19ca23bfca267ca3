"""Background recompute of an opinion map (queued by ``services.recompute_request``)."""

from django_tasks import task


@task()
def recompute_map(opinion_map_id: int) -> int:
    """Recompute one map; returns the map version the stored result was computed from."""
    from .models import OpinionMap
    from .services import map_recompute

    if not OpinionMap.objects.filter(pk=opinion_map_id).exists():
        return -1  # the map was deleted while the task waited
    return map_recompute(opinion_map_id=opinion_map_id).version
