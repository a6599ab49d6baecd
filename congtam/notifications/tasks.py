"""Celery tasks of notifications: the e-mails, and the reminders (run by the scheduler)."""

from smtplib import SMTPException

from celery import shared_task

from congtam.notifications import services


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=30, retry_backoff_max=3600, max_retries=8)
def send_notification_emails(notification_ids: list[int]) -> int:
    return services.emails_send(notification_ids=notification_ids)


@shared_task
def send_reminders() -> int:
    return services.reminders_send()
