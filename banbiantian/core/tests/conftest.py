import pytest

# The stub area (test_area_stub.py installs it) keeps its matrix rows in a tests module of its own;
# they are read by the coverage check while it is installed, never collected as tests.
collect_ignore = ["stub_area"]


@pytest.fixture
def media(settings, tmp_path):
    """Export files go to a temporary folder, never beside the code."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    return tmp_path
