from django.db import models


class CacheVersion(models.Model):
    """A named version of cached content ("catalog", "course:<slug>"; see core.cache).

    Kept in the database, so a bump is part of the transaction that changed the data: every
    server sees it exactly when the data commits, and a cache outage cannot lose it.
    """

    name = models.CharField(max_length=255, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.name} = {self.value}"


class CacheEntry(models.Model):
    """The table of Django's DatabaseCache, the "default" cache when there is no Redis (allauth's
    rate limits, shared by every worker of the machine). Declared here so `migrate` creates it."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "core_cache"

    def __str__(self):
        return self.cache_key
