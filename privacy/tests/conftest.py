import pytest


@pytest.fixture(autouse=True)
def _private_dirs(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVACY_EXPORT_ROOT = str(tmp_path / "exports")
