from django.db import models


class Event(models.Model):
    """The event log behind every live update: written in the change's transaction,
    broadcast on commit, replayed from `id` to a client that reconnects."""

    stream = models.CharField(max_length=100, db_index=True)
    type = models.CharField(max_length=50)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["stream", "id"])]

    def __str__(self):
        return f"{self.stream}#{self.pk} {self.type}"

    def as_message(self) -> dict:
        return {"id": self.pk, "stream": self.stream, "type": self.type, **self.payload}
