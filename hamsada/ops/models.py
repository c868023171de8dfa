from django.db import models


class Heartbeat(models.Model):
    """The last sign of life of each background worker, for /healthz."""

    worker = models.CharField(max_length=100, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self):
        return f"{self.worker} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
