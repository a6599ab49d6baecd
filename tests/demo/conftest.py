"""The demo's tests use the monitoring tests' fixed "today" (inside November 2026), so that the year
shown never depends on the real date."""

from tests.monitoring.conftest import today  # noqa: F401 (fixture)
