import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from partnership.accounts.models import User
from partnership.accounts.services import deactivate_user

pytestmark = pytest.mark.django_db


def logged_in_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_deactivation_ends_every_session_of_that_user_only(caplog):
    agent = User.objects.create_user("agent@example.org", "un mot de passe solide")
    other = User.objects.create_user("autre@example.org", "un mot de passe solide")
    laptop, phone, colleague = logged_in_client(agent), logged_in_client(agent), logged_in_client(other)
    assert Session.objects.count() == 3

    assert deactivate_user(user=agent, by=other) == 2

    assert list(Session.objects.values_list("session_key", flat=True)) == [colleague.session.session_key]
    assert not User.objects.get(pk=agent.pk).is_active
    assert not laptop.get("/").wsgi_request.user.is_authenticated
    assert not phone.get("/").wsgi_request.user.is_authenticated
    assert colleague.get("/").wsgi_request.user.is_authenticated
    assert "account_deactivated" in caplog.text


def test_admin_deactivation_ends_the_sessions(client):
    staff = User.objects.create_superuser("equipe@example.org", "un mot de passe solide")
    agent = User.objects.create_user("agent@example.org", "un mot de passe solide")
    agent_client = logged_in_client(agent)
    client.force_login(staff)

    response = client.post(
        "/admin/accounts/user/",
        {"action": "deactivate", "_selected_action": [agent.pk]},
        secure=True,
    )

    assert response.status_code == 302
    assert not User.objects.get(pk=agent.pk).is_active
    assert not agent_client.get("/").wsgi_request.user.is_authenticated
    assert Session.objects.count() == 1  # the staff member's own
