from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "imcase.web"
    label = "web"
    verbose_name = "Oberfläche"

    def ready(self) -> None:
        # Every app's ``panels`` module registers its panels on the home pages.
        from imcase.web.home import discover_panels

        discover_panels()

        from django.contrib.auth.signals import user_logged_in

        from imcase.web.middleware import SessionRefreshMiddleware

        user_logged_in.connect(SessionRefreshMiddleware.on_login, dispatch_uid="session-refresh")
