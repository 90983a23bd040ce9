import pytest
from django.test import override_settings


@pytest.fixture(scope="module", autouse=True)
def media(tmp_path_factory):
    """The world's report photo goes to a folder of the module's own (test_pages.py builds
    its world once per module)."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield
