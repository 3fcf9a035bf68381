"""What a coordinator types when setting up a cohort's mentorships."""
from crispy_forms.helper import FormHelper
from django import forms

from .models import CohortMentoringSettings, EvaluationQuestion
from .services.setup import QUESTION_FIELDS, settings_fields


class _NoTag:
    def _helper(self):
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def _post_clean(self):
        pass  # the service validates the whole row and the view shows its errors beside the fields


class MentoringSettingsForm(_NoTag, forms.ModelForm):
    class Meta:
        model = CohortMentoringSettings
        fields = settings_fields()  # every setting, those other apps add included

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class EvaluationQuestionForm(_NoTag, forms.ModelForm):
    class Meta:
        model = EvaluationQuestion
        fields = list(QUESTION_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()
