from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "phongdich.demo"
    label = "demo"
    verbose_name = "Demo province"
