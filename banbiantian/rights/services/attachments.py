"""Files attached to a case: only a few checked types, within the size limit."""


from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.models import AuditEntry, User

from ..models import (
    Attachment,
    Case,
    CaseEvent,
)
from ._case import (
    _require_case,
)

ALLOWED_TYPES = {
    ".pdf": (b"%PDF",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG",),
    ".docx": (b"PK\x03\x04",),
}


def attachment_limit_bytes() -> int:
    return min(10, settings.MAX_UPLOAD_MB) * 1024 * 1024


@transaction.atomic
def attachment_add(*, by: User, case: Case, upload: UploadedFile) -> Attachment:
    _require_case(by, case, "register_rights_cases")
    import os

    ext = os.path.splitext(upload.name)[1].lower()
    if ext not in ALLOWED_TYPES:
        raise ValidationError({"file": _("只能上传 PDF、JPG、PNG 或 Word(docx) 文件。")})
    if upload.size > attachment_limit_bytes():
        raise ValidationError({"file": _("文件不能超过 %(n)s MB。") % {"n": attachment_limit_bytes() // 1024 // 1024}})
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in ALLOWED_TYPES[ext]):
        raise ValidationError({"file": _("文件内容与扩展名不符。")})
    types = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
             ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    attachment = Attachment(case=case, name=os.path.basename(upload.name)[:200], content_type=types[ext],
                            size=upload.size, uploaded_by=by)
    attachment.file.save("upload", upload, save=False)
    attachment.save()
    CaseEvent.objects.create(case=case, actor=by, kind=_("上传附件"), note=attachment.name)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=attachment, unit=case.unit,
                 changes={"case": case.number, "name": attachment.name})
    return attachment
