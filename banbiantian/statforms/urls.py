app_name = "statforms"

urlpatterns: list = []
