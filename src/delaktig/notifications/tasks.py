"""Background jobs that send e-mail. Always enqueued after the transaction commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


@task()
def send_templated_email(
    *, recipient: str, template: str, context: dict[str, object], language: str = "sv"
) -> None:
    """Render ``notifications/email/<template>_subject.txt`` and ``…_body.txt`` and send."""
    with translation.override(language):
        context = {**context, "site_url": settings.SITE_URL}
        subject = render_to_string(f"notifications/email/{template}_subject.txt", context)
        body = render_to_string(f"notifications/email/{template}_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [recipient])
