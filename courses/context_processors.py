from django.conf import settings


def hooks(request):
    """`hooks`: the templates other apps plug into catalog pages (CATALOG_TEMPLATE_HOOKS)."""
    return {"hooks": settings.CATALOG_TEMPLATE_HOOKS}
