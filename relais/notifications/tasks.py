from django_tasks import task

from . import services


@task()
def send_email(email_id: int) -> str:
    return services.deliver_email(email_id=email_id).value
