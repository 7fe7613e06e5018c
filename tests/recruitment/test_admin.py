"""Staff answer a candidate's request: export an application (its data and CV), or delete it with its CV."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from partnership.recruitment.models import Application
from tests.factories import ApplicationFactory, PostingFactory
from tests.personas import client_as

pytestmark = pytest.mark.django_db


def test_staff_export_an_application_with_its_cv(superuser, organisation):
    application = ApplicationFactory(posting=PostingFactory(organisation=organisation), name="Alex Dupont")
    response = client_as(superuser).post(
        reverse("admin:recruitment_application_changelist"),
        {"action": "export", "_selected_action": [application.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="candidatures.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    record = json.loads(archive.read(f"candidature-{application.pk}.json"))
    assert (record["nom"], record["courriel"]) == ("Alex Dupont", application.email)
    assert archive.read(f"candidature-{application.pk}.pdf").startswith(b"%PDF-")


def test_staff_delete_an_application_and_its_cv(superuser, organisation):
    application = ApplicationFactory(posting=PostingFactory(organisation=organisation))
    cv_file = Path(settings.RECRUITMENT_CV_DIR) / application.cv.name
    client_as(superuser).post(
        reverse("admin:recruitment_application_changelist"),
        {"action": "delete_with_files", "_selected_action": [application.pk]},
    )
    assert not Application.objects.exists()
    assert not cv_file.exists()


def test_staff_of_other_departements_do_not_see_the_application(scoped_staff, organisation):
    application = ApplicationFactory(posting=PostingFactory(organisation=organisation))
    from django.contrib.auth.models import Permission

    scoped_staff.user_permissions.add(Permission.objects.get(codename="view_application"))
    response = client_as(scoped_staff).get(reverse("admin:recruitment_application_changelist"))
    assert response.status_code == 200
    assert f"candidature-{application.pk}" not in response.content.decode()
    assert str(application.posting) not in response.content.decode()
