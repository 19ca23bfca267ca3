"""``__in`` on integer columns leaves out numbers the column cannot hold.

Django (5.2) already answers ``id=2**70`` with no rows instead of an error (its
``IntegerFieldOverflow`` for exact and ordering lookups) but not ``id__in=[2**70]``: SQLite's
driver then raises ``OverflowError``. A ModelMultipleChoiceField looks its choices up that
way, so one tampered checkbox value (``goals=1180591620717411303424``) was a 500 on every form
with one. With this lookup such a value matches nothing and the form says the choice is not
valid, as for any other id that does not exist.
"""

from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


# ``In[Any]``: django-stubs' plugin reads the type argument as the type a filter's value must
# have; ``Any`` leaves ``pk__in=`` taking lists, sets and querysets, as Django's own ``In`` does.
@IntegerField.register_lookup
class IntegerFieldIn(In[Any]):
    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
