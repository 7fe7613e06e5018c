"""The personas every permission test speaks of; their fixtures are in tests/conftest.py.

`organisation` is the commune of Tulle (19272, Corrèze, Nouvelle-Aquitaine 75); `other_organisation`
the Communauté d’agglomération du Bassin d’Aurillac (Cantal 15, Auvergne-Rhône-Alpes 84).
"""

from __future__ import annotations

from django.test import Client

from partnership.accounts.models import User

PERSONAS = (
    "anonymous",  # not logged in
    "job_seeker",  # an account, no organisation, no role
    "member",  # member of `organisation`
    "administrator",  # administrator of `organisation`
    "other_member",  # administrator of `other_organisation`
    "delegate",  # Apec delegate of Nouvelle-Aquitaine (75), the région of `organisation`
    "other_delegate",  # Apec delegate of Auvergne-Rhône-Alpes (84)
    "staff",  # partnership staff, every département
    "scoped_staff",  # staff limited to Cantal (15): not the département of `organisation`
    "superuser",
)
STAFF_PERSONAS = ("staff", "scoped_staff", "superuser")


def client_as(user: User | None) -> Client:
    """A test client logged in as `user` (`force_login`: the login page is rate-limited), or anonymous."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
