"""The verbs of stipends: plans and amounts, recommendations and decisions, exports, sponsors, payment details."""
from .decisions import (
    APPROVE,
    HOLD,
    export_create,
    instalments_decide,
    recommendation_save,
    recommendation_update,
)
from .plans import (
    country_amounts_import,
    instalments_create_for,
    payment_details_save,
    plan_set,
    stipend_fix,
)
from .sponsors import sponsor_save

__all__ = [
    "APPROVE", "HOLD", "country_amounts_import", "export_create", "instalments_create_for", "instalments_decide",
    "payment_details_save", "plan_set", "recommendation_save", "recommendation_update", "sponsor_save", "stipend_fix",
]
