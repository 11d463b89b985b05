"""Model fields of the community layer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class CountryListField(models.CharField):
    """A short list of country codes, stored comma-separated so it works on every database."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> list[str]:
        return self.to_python(value)

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        if isinstance(value, list | tuple):
            return [str(code) for code in value]
        return [code for code in str(value).split(",") if code]

    def get_prep_value(self, value: Any) -> str:
        return ",".join(self.to_python(value))

    def value_to_string(self, obj: models.Model) -> str:
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        codes = self.to_python(value)
        if not codes and not self.blank:
            raise ValidationError(self.error_messages["blank"], code="blank")
        allowed = {code for code, _label in self.choices or []}
        unknown = [code for code in codes if code not in allowed]
        if unknown:
            raise ValidationError(_("Unknown country: %(codes)s"), params={"codes": ", ".join(unknown)})

    def run_validators(self, value: Any) -> None:
        # The stored string is validated by validate(); max_length applies to it.
        super().run_validators(self.get_prep_value(value))

    def formfield(self, **kwargs: Any) -> forms.Field:
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.choices,
            "widget": forms.CheckboxSelectMultiple,
            "required": not self.blank,
            "label": self.verbose_name,
            "help_text": self.help_text,
        }
        defaults.update(kwargs)
        defaults.pop("choices_form_class", None)
        defaults.pop("coerce", None)
        defaults.pop("empty_value", None)
        defaults.pop("max_length", None)
        form_class = defaults.pop("form_class")
        return form_class(**defaults)

    def get_choices(self, *args: Any, **kwargs: Any) -> list:
        return super().get_choices(*args, include_blank=False, **kwargs)
