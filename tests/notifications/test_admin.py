"""The staff page of the latest e-mails: /admin/notifications/delivery/, read-only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from partnership.notifications.models import Delivery
from tests.notifications.factories import DeliveryFactory

pytestmark = pytest.mark.django_db

LIST = reverse("admin:notifications_delivery_changelist")


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(email="admin@anct.gouv.fr", password="x" * 16)


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(email="equipe@anct.gouv.fr", password="x" * 16, is_staff=True)


def test_staff_with_the_view_permission_see_the_latest_deliveries(client, staff, django_assert_max_num_queries) -> None:
    staff.user_permissions.add(Permission.objects.get(codename="view_delivery"))
    DeliveryFactory(key="41:user-7", recipient_email="marie@exemple.fr", subject="Synchronisation en échec", sent=True)
    DeliveryFactory.create_batch(30, failed=True)
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Courriels envoyés" in html or "courriels envoyés" in html
    for text in (
        "41:user-7",
        "marie@exemple.fr",
        "Synchronisation en échec",
        "Envoyé",
        "Alerte de synchronisation de flux",
    ):
        assert text in html
    assert "En échec, nouvel essai prévu" in html
    for label in ("Type d’envoi", "Clé", "Destinataire", "Objet", "Statut", "Enregistré le", "Envoyé le"):
        assert label in html


def test_a_delivery_shows_its_text_and_html_source(client, superuser) -> None:
    delivery = DeliveryFactory(body_text="Bonjour Marie,\nvoici le bilan.\n", body_html="<p>Bonjour <b>Marie</b></p>")
    client.force_login(superuser)
    response = client.get(reverse("admin:notifications_delivery_change", args=[delivery.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bonjour Marie," in html
    assert "&lt;p&gt;Bonjour &lt;b&gt;Marie&lt;/b&gt;&lt;/p&gt;" in html  # the source, never rendered
    assert 'name="_save"' not in html  # read-only


def test_nobody_adds_changes_or_deletes_a_delivery_by_hand(client, superuser) -> None:
    delivery = DeliveryFactory()
    client.force_login(superuser)
    assert client.get(reverse("admin:notifications_delivery_add")).status_code == 403
    change = reverse("admin:notifications_delivery_change", args=[delivery.pk])
    assert client.post(change, {"status": "pending", "recipient_email": "autre@exemple.fr"}).status_code == 403
    assert (
        client.post(reverse("admin:notifications_delivery_delete", args=[delivery.pk]), {"post": "yes"}).status_code
        == 403
    )
    response = client.post(LIST, {"action": "delete_selected", "_selected_action": [delivery.pk], "post": "yes"})
    assert response.status_code in (200, 302)
    assert Delivery.objects.filter(pk=delivery.pk, recipient_email=delivery.recipient_email).exists()


def test_staff_without_the_permission_anonymous_and_other_users_do_not_see_it(client, staff, django_user_model) -> None:
    DeliveryFactory()
    client.force_login(staff)
    assert client.get(LIST).status_code == 403
    client.logout()
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(django_user_model.objects.create_user(email="candidate@exemple.fr", password="x" * 16))
    response = client.get(LIST)
    assert response.status_code == 302
