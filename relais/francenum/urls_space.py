from django.urls import path

from .views import space

urlpatterns = [
    path("", space.home, name="home"),
    path("instruction/", space.application, name="application"),
    path("structure/", space.edit_structure, name="structure"),
    path("ma-presentation/", space.my_profile, name="profile"),
    path("contacts/", space.contact_requests, name="contacts"),
    path("statistiques/", space.statistics, name="statistics"),
    path("adherents/", space.people, name="members"),
    path("adherents/inviter/", space.invite, name="invite"),
    path("adherents/referent/", space.hand_over, name="hand_over"),
    path("desinscription/", space.leave, name="leave"),
    path("engagement/", space.engagement_view, name="engagement"),
]
