"""The walk's world and live server, built once for the module.

No test transaction: the world is written and committed like a real installation's data, a live
server (a thread of real HTTP requests, each in its own connection) answers the walk, and the
database is emptied at the end, as a transactional test's flush would.
"""

import pytest


@pytest.fixture(scope="module")
def walker(live_server, django_db_setup, django_db_blocker):
    # pytest-django's live server (and, through it, the test database: it is set up for the tests
    # that use a database or the live server).
    from django.core.management import call_command
    from django.core.signals import got_request_exception

    from tests.walk.client import ServerErrors, Walker
    from tests.walk.world import build_world

    with django_db_blocker.unblock():
        errors = ServerErrors()
        got_request_exception.connect(errors.receiver)
        try:
            world = build_world()
            yield Walker(live_server.url, world, errors)
        finally:
            got_request_exception.disconnect(errors.receiver)
            call_command("flush", interactive=False, verbosity=0)
