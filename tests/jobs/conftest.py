import pytest


@pytest.fixture(autouse=True)
def tasks_run_inline():
    """Tasks run inline (no broker), whatever the developer's environment says."""
    from congtam.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def kinds():
    from tests.jobs import kinds

    kinds.CALLS.clear()
    kinds.REPORTED.clear()
    kinds.RELEASE.clear()
    return kinds
