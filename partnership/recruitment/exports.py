"""A candidate's request to see what we hold on them: their applications as a ZIP (data and CV), for staff in
the admin and for the organisation's administrators in their space."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable

from partnership.recruitment.models import Application


def export_zip(applications: Iterable[Application]) -> bytes:
    """Each application as `candidature-<id>.json` (what we hold on the candidate), its CV as `candidature-<id>.pdf`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for application in applications:
            offer = application.posting.offer
            record = {
                "candidature": application.pk,
                "offre": {"numero": offer.pk, "intitule": offer.title},
                "organisation": application.posting.organisation.name,
                "nom": application.name,
                "courriel": application.email,
                "message": application.message,
                "suivi": application.get_status_display(),
                "conservation_2_ans": application.keep_two_years,
                "recue_le": application.created_at.isoformat(),
                "reponse_envoyee_le": application.replied_at.isoformat() if application.replied_at else None,
            }
            archive.writestr(f"candidature-{application.pk}.json", json.dumps(record, ensure_ascii=False, indent=2))
            try:
                with application.cv.open("rb") as handle:
                    archive.writestr(f"candidature-{application.pk}.pdf", handle.read())
            except FileNotFoundError:
                pass
    return buffer.getvalue()
