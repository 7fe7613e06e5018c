from django.apps import AppConfig


class AccountsConfig(AppConfig):
    verbose_name = "Comptes"
    name = "partnership.accounts"
    label = "accounts"
