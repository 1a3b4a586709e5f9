from django.db import models
from django.db.models import F, Prefetch

from .names import normalize_query

POSTAL_CODE_QUERY_LENGTHS = range(2, 6)


class CommuneQuerySet(models.QuerySet):
    def with_postal_codes(self):
        from .models import PostalCode

        return self.prefetch_related(Prefetch("postal_code_links", queryset=PostalCode.objects.order_by("code")))

    def for_postal_code(self, code: str):
        return self.filter(postal_code_links__code=code.strip()).distinct()

    def by_population(self):
        return self.order_by(F("population").desc(nulls_last=True), "name", "insee_code")

    def matching(self, text: str):
        """Communes whose normalized name starts with the text, or whose postal code starts with it when the
        text is made of digits."""
        text = text.strip()
        if text.isdigit():
            if len(text) not in POSTAL_CODE_QUERY_LENGTHS:
                return self.none()
            return self.filter(postal_code_links__code__startswith=text).distinct()
        query = normalize_query(text)
        if not query:
            return self.none()
        return self.filter(search_name__startswith=query)
