app_name = "conseiller_numerique"
urlpatterns: list = []
