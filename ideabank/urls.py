from django.urls import path

from ideabank import views

app_name = "ideabank"
urlpatterns = [
    path("", views.idea_list, name="list"),
    path("ny/", views.post_idea, name="post"),
    path("kart/", views.map_page, name="map"),
    path("kart/data.geojson", views.map_data, name="map_data"),
    path("steder/", views.place_search, name="place_search"),
    path("<int:pk>/", views.idea_detail, name="detail"),
    path("<int:pk>/foto/<int:photo_id>/", views.photo, name="photo"),
    path("<int:pk>/stott/", views.support, name="support"),
    path("<int:pk>/folg/", views.follow, name="follow"),
    path("<int:pk>/kommenter/", views.comment, name="comment"),
]
