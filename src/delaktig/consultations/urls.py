from django.urls import path

from . import compilation_views, staff_views, views

urlpatterns = [
    # The document and taking part.
    path("<int:module_pk>/", views.document, name="document"),
    path("<int:module_pk>/version/<int:number>/", views.document, name="version"),
    path("<int:module_pk>/stycke/<int:key>/", views.paragraph, name="paragraph"),
    path("<int:module_pk>/synpunkt/", views.whole_document, name="whole"),
    path("<int:module_pk>/synpunkter/<int:comment_pk>/hall-med/", views.agree, name="agree"),
    path("<int:module_pk>/remissvar/<int:invitation_pk>/", views.invitation, name="invitation"),
    path("<int:module_pk>/jamfor/", views.compare, name="compare"),
    # The compilation (samrådsredogörelse).
    path("<int:module_pk>/samradsredogorelse/", compilation_views.compilation, name="compilation"),
    path(
        "<int:module_pk>/samradsredogorelse.pdf",
        compilation_views.compilation_pdf,
        name="compilation_pdf",
    ),
    path(
        "<int:module_pk>/samradsredogorelse.docx",
        compilation_views.compilation_docx,
        name="compilation_docx",
    ),
    # Staff.
    path("personal/<int:module_pk>/", staff_views.manage, name="manage"),
    path("personal/<int:module_pk>/installningar/", staff_views.settings, name="settings"),
    path("personal/<int:module_pk>/utkast/", staff_views.working_copy, name="working_copy"),
    path(
        "personal/<int:module_pk>/utkast/publicera/",
        staff_views.publish_version,
        name="publish_version",
    ),
    path("personal/<int:module_pk>/remissinstanser/", staff_views.invitations, name="invitations"),
    path("personal/<int:module_pk>/svar/", staff_views.answering, name="answering"),
    path(
        "personal/<int:module_pk>/svar/<int:answer_pk>/",
        staff_views.answer_edit,
        name="answer_edit",
    ),
    path("personal/<int:module_pk>/teman/", staff_views.themes, name="themes"),
    path(
        "personal/<int:module_pk>/samradsredogorelse/",
        compilation_views.staff_compilation,
        name="staff_compilation",
    ),
]
