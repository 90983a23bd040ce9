import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """The world's report photo goes to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
