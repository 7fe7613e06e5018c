from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "partnership.recruitment"
    label = "recruitment"
