from django_tasks import task

from . import backchannel


@task()
def send_backchannel_logout(notice_id: int) -> str:
    return backchannel.deliver(notice_id)
