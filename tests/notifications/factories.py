import factory
from django.utils import timezone

from partnership.notifications.enums import DeliveryStatus, Purpose
from partnership.notifications.models import Delivery


class DeliveryFactory(factory.django.DjangoModelFactory):
    """A recorded delivery (pending); traits for the other states."""

    class Meta:
        model = Delivery

    purpose = Purpose.FEED_ALERT
    key = factory.Sequence(lambda n: f"{n}:user-{n}")
    recipient_email = factory.Sequence(lambda n: f"destinataire{n}@exemple.fr")
    subject = factory.Sequence(lambda n: f"Message n° {n}")
    body_text = "Bonjour.\n"
    body_html = '<!DOCTYPE html><html lang="fr"><head><title>Message</title></head><body><p>Bonjour.</p></body></html>'
    next_attempt_at = factory.LazyFunction(timezone.now)

    class Params:
        sending = factory.Trait(
            status=DeliveryStatus.SENDING, attempts=1, claimed_at=factory.LazyFunction(timezone.now)
        )
        sent = factory.Trait(
            status=DeliveryStatus.SENT,
            attempts=1,
            claimed_at=factory.LazyFunction(timezone.now),
            sent_at=factory.LazyFunction(timezone.now),
            next_attempt_at=None,
        )
        failed = factory.Trait(status=DeliveryStatus.FAILED, attempts=1, last_error="SMTPDataError (451)")
