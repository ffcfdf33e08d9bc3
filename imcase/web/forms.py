from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.models import ModelChoiceIterator


class PlainQueryChoiceIterator(ModelChoiceIterator):
    """A select's choices read with one plain query. Django reads them through
    ``QuerySet.iterator()``, on PostgreSQL a server-side cursor (DECLARE, FETCH, CLOSE: three
    round trips) meant for results too large for memory — not for a few dozen names."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ScopedChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` over a short list (municipalities, colleagues, teams, services),
    read with one plain query per rendering."""

    iterator = PlainQueryChoiceIterator


class ScopedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """``ScopedChoiceField`` for several choices (topics, household members)."""

    iterator = PlainQueryChoiceIterator


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "Benutzername oder Passwort ist falsch. Bitte achten Sie auf Groß- und Kleinschreibung."
        ),
        "inactive": "Dieser Zugang ist deaktiviert. Bitte wenden Sie sich an die Administration.",
    }
