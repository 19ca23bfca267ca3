"""Importing population tables. Staff upload and the management command both call this."""

from django.db import transaction

from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.errors import require_perm
from delaktig.organisations.models import Organisation

from . import scb
from .models import PopulationCount, PopulationTable

PERM = "population.change_populationtable"


def population_import(
    *,
    actor: User | None,
    organisation: Organisation,
    name: str,
    source: str,
    is_synthetic: bool,
    data: bytes,
    filename: str = "",
) -> PopulationTable:
    """Parse an SCB export (JSON-stat2 or CSV) and store it as one table, all rows or none.

    ``actor`` is None for ``manage.py import_population``, which whoever runs the platform
    runs. A file that does not fit raises :class:`scb.PopulationFileError` (a
    ``ValidationFailed``) with its code; nothing is stored.
    """
    if actor is not None:
        require_perm(actor, PERM, organisation)
    parsed = scb.parse_population_file(data, filename=filename)
    with transaction.atomic():
        table = PopulationTable.objects.create(
            organisation=organisation,
            name=name,
            year=parsed.year,
            source=source,
            is_synthetic=is_synthetic,
            filename=filename[:255],
            source_format=parsed.source_format,
            imported_by=actor,
        )
        PopulationCount.objects.bulk_create(
            [
                PopulationCount(
                    table=table,
                    region_code=row.region_code,
                    region_name=row.region_name[:100],
                    age_group=row.age_group,
                    sex=row.sex,
                    count=row.count,
                )
                for row in parsed.rows
            ],
            batch_size=2000,
        )
        if actor is not None:
            audit_log(
                actor=actor,
                action="population.import",
                target=table,
                organisation=organisation,
                data={"rows": len(parsed.rows), "year": parsed.year},
            )
    return table


def population_delete(*, actor: User, table: PopulationTable) -> None:
    require_perm(actor, PERM, table.organisation)
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="population.delete",
            target=table,
            organisation=table.organisation,
        )
        table.delete()
