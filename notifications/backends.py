"""An email backend for the embedded run: one readable .eml file per message."""
import logging
import os
import threading
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

logger = logging.getLogger(__name__)
_counter_lock = threading.Lock()
_counter = 0


def _next_name() -> str:
    global _counter
    with _counter_lock:
        _counter += 1
        count = _counter
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
    return f"{stamp}-{os.getpid()}-{count}.eml"


class ReadableFileEmailBackend(BaseEmailBackend):
    def __init__(self, file_path=None, **kwargs):
        super().__init__(**kwargs)
        self.file_path = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages):
        self.file_path.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            path = self.file_path / _next_name()
            path.write_bytes(message.message().as_bytes(linesep="\n"))
            logger.info("Email to %s: %s -> %s", ", ".join(message.to), message.subject, path)
            sent += 1
        return sent
