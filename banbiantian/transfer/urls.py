app_name = "transfer"
urlpatterns: list = []
