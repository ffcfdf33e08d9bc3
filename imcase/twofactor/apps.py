from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    name = "imcase.twofactor"
    label = "twofactor"
    verbose_name = "Zwei-Faktor-Anmeldung"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from imcase.twofactor.middleware import remember_single_factor

        user_logged_in.connect(remember_single_factor, dispatch_uid="twofactor_single_factor")

        # django-otp's own admin pages could delete a device without an audit entry; the
        # administrators' reset page (audited) is the one way to remove a second factor.
        from django.contrib import admin
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
