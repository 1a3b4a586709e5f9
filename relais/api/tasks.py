from django_tasks import task

from . import webhooks


@task()
def send_webhook(delivery_id: int) -> str:
    return webhooks.deliver(delivery_id=delivery_id)
