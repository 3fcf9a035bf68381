"""An email backend for integration tests: the readable file backend, slowed down, so a test can kill
a worker in the middle of a batch."""
import os
import time

from notifications.backends import ReadableFileEmailBackend


class SlowFileEmailBackend(ReadableFileEmailBackend):
    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("SLOW_EMAIL_SECONDS", "0.05")))
        return super().send_messages(email_messages)
