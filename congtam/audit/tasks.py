"""Celery tasks of the audit trail."""

from celery import shared_task

from congtam.audit import witness


@shared_task
def write_checkpoint() -> int:
    """The scheduled checkpoint of the chain's head (CELERY_BEAT_SCHEDULE["audit-checkpoint"]), so
    that a quiet trail is witnessed too, not only every CONGTAM_AUDIT_CHECKPOINT_EVERY entries."""
    checkpoint = witness.checkpoint_head()
    return checkpoint.seq if checkpoint is not None else 0
