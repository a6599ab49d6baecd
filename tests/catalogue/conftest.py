import pytest
from django.utils import translation


@pytest.fixture
def catalogues(world):
    from tests.catalogue.helpers import build_catalogues

    return build_catalogues(world)


@pytest.fixture
def english():
    # Messages are asserted in English (the msgids); the Vietnamese is checked by the catalogue test.
    with translation.override("en"):
        yield
