"""Several requests writing at once must queue on the chain's head, never fork it."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from congtam.audit.models import AuditEntry
from congtam.audit.services import Subject, audit_record
from congtam.audit.verify import audit_verify

WRITERS = 6
PER_WRITER = 15


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    errors = []
    barrier = threading.Barrier(WRITERS)

    def writer(number):
        try:
            barrier.wait()
            for index in range(PER_WRITER):
                with transaction.atomic():
                    audit_record(
                        actor=None,
                        event="org.person.updated",
                        subject=Subject("org.person", f"{number}-{index}"),
                        new={"writer": number, "index": index},
                    )
        except Exception as error:  # reported below: a thread's exception is otherwise lost
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, WRITERS * PER_WRITER + 1))
    assert audit_verify().ok
