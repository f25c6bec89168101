from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from documents.models import GeneratedDocument
from documents.registry import get_kind
from documents.services import request_document
from municipal_order.lib.downloads import private_file_response


def _get_document_for_user(request: HttpRequest, doc_id) -> GeneratedDocument:
    """404 unless the user may see the object the document is about.

    No login requirement here: a kind decides (a call's announcement is public,
    a municipality's profile is not).
    """
    doc = get_object_or_404(GeneratedDocument, pk=doc_id)
    kind = get_kind(doc.kind)
    obj = kind.model._default_manager.filter(pk=doc.object_id).first()
    if obj is None:
        raise Http404
    kind.check_access(request, obj)
    return doc


@login_required
@require_POST
def request_view(request: HttpRequest, kind: str, object_id: str) -> HttpResponse:
    try:
        document_kind = get_kind(kind)
    except KeyError:
        raise Http404 from None
    try:
        obj = get_object_or_404(document_kind.model, pk=object_id)
    except (ValueError, ValidationError):
        raise Http404 from None  # not even the shape of a key of that kind (a UUID, a number)
    document_kind.check_access(request, obj)
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = request.LANGUAGE_CODE
    doc = request_document(kind, obj, language=language, by=request)
    messages.info(request, _("The document is being prepared. This page refreshes by itself."))
    return redirect("documents:detail", doc_id=doc.pk)


@require_GET
def detail(request: HttpRequest, doc_id) -> HttpResponse:
    doc = _get_document_for_user(request, doc_id)
    return render(request, "documents/detail.html", {"document": doc})


@require_GET
def download(request: HttpRequest, doc_id) -> HttpResponse:
    doc = _get_document_for_user(request, doc_id)
    if not doc.is_ready:
        return redirect("documents:detail", doc_id=doc.pk)
    return private_file_response(doc.file, filename=doc.download_name)
