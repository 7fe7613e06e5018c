import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

from partnership.accounts.models import Organisation, User
from partnership.db import set_statement_timeout
from tests.factories import DelegateFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.personas import PERSONAS


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """Creating the test database and importing the territories are a command's work: the background
    statement timeout (2 s, the web's, may not be enough to copy a template on a busy machine)."""
    set_statement_timeout(settings.DB_BACKGROUND_STATEMENT_TIMEOUT_MS)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database holds the real territories: imported once per session. Then the tests run
    as web requests do, under the web's statement timeout."""
    with django_db_blocker.unblock():
        call_command("import_territories", verbosity=0)
        set_statement_timeout(settings.DB_STATEMENT_TIMEOUT_MS)
    yield
    # The teardown that follows drops the test database: a command's work again.
    with django_db_blocker.unblock():
        set_statement_timeout(settings.DB_BACKGROUND_STATEMENT_TIMEOUT_MS)


@pytest.fixture(scope="module")
def territories_present(django_db_setup, django_db_blocker) -> None:
    """For tests outside pytest-django's transactions (real Celery workers), which run after the
    transactional tests: the flush that ends each of those empties every table, the session's
    territories included. Import them again when they are gone."""
    from territories.models import Region

    with django_db_blocker.unblock():
        if not Region.objects.exists():
            set_statement_timeout(settings.DB_BACKGROUND_STATEMENT_TIMEOUT_MS)
            try:
                call_command("import_territories", verbosity=0)
            finally:
                set_statement_timeout(settings.DB_STATEMENT_TIMEOUT_MS)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Forget cached pages between tests, without touching the rest of Redis (Celery's queues)."""
    client = cache._cache.get_client(write=True)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    yield


# --- Organisations and personas (tests/personas.py lists them) -------------------------------------


@pytest.fixture
def organisation(db) -> Organisation:
    """The commune of Tulle: Corrèze (19), Nouvelle-Aquitaine (75)."""
    return OrganisationFactory(name="Commune de Tulle", siren="211927207", commune="19272")


@pytest.fixture
def other_organisation(db) -> Organisation:
    """The Communauté d’agglomération du Bassin d’Aurillac: Cantal (15), Auvergne-Rhône-Alpes (84)."""
    return OrganisationFactory(intercommunality=True, epci="241500230")


@pytest.fixture
def anonymous() -> None:
    return None


@pytest.fixture
def job_seeker(db) -> User:
    return UserFactory(email="candidate@example.org")


@pytest.fixture
def member(organisation: Organisation) -> User:
    return MembershipFactory(organisation=organisation, user__email="agent@ville-tulle.fr").user


@pytest.fixture
def administrator(organisation: Organisation) -> User:
    return MembershipFactory(organisation=organisation, administrator=True, user__email="dgs@ville-tulle.fr").user


@pytest.fixture
def other_member(other_organisation: Organisation) -> User:
    return MembershipFactory(organisation=other_organisation, administrator=True, user__email="rh@caba.fr").user


@pytest.fixture
def delegate(db) -> User:
    return DelegateFactory(regions=["75"], user__email="delegue.nouvelle-aquitaine@apec.fr").user


@pytest.fixture
def other_delegate(db) -> User:
    return DelegateFactory(regions=["84"], user__email="delegue.auvergne-rhone-alpes@apec.fr").user


@pytest.fixture
def staff(db) -> User:
    return UserFactory(staff=True, email="equipe@anct.gouv.fr")


@pytest.fixture
def scoped_staff(db) -> User:
    return UserFactory(staff=True, departements=["15"], email="equipe.cantal@anct.gouv.fr")


@pytest.fixture
def superuser(db) -> User:
    return UserFactory(superuser=True, email="admin@anct.gouv.fr")


@pytest.fixture
def personas(request: pytest.FixtureRequest) -> dict[str, User | None]:
    """Every persona of tests/personas.py, by name (None for anonymous)."""
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.fixture(autouse=True)
def _cv_dir(settings, tmp_path):
    """Candidates' CVs (recruitment) go to a temporary directory, never the project's `.var/`."""
    settings.RECRUITMENT_CV_DIR = tmp_path / "cv"
