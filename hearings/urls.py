from django.urls import path

from hearings import views

app_name = "hearings"
urlpatterns = [
    path("<int:pk>/", views.submission_list, name="submissions"),
    path("<int:pk>/send/", views.submit, name="submit"),
    path("<int:pk>/kvittering/<int:submission_id>/", views.receipt, name="receipt"),
    path("<int:pk>/uttalelser/<int:submission_id>/", views.submission_detail, name="submission"),
    path("<int:pk>/kommenter/", views.comment, name="comment"),
    path("<int:pk>/vedlegg/<int:attachment_id>/", views.attachment, name="attachment"),
]
