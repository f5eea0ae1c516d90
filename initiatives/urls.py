from django.urls import path

from initiatives import views

app_name = "initiatives"
urlpatterns = [
    path("", views.initiative_list, name="list"),
    path("nytt/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/signer/", views.sign, name="sign"),
    path("<int:pk>/trekk/", views.withdraw, name="withdraw"),
]
