"""The import and export views both editors share (exercises and exam questions): a file download,
and the upload page (one YAML file or a zip; all or nothing; the result or the errors shown)."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request

from . import files


def download(body, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def import_page(form, template: str, read, save, summary, done_url: str):
    """``read(filename, raw)`` turns the upload into files (UploadError for a bad upload), ``save(files)``
    imports them all or none (a result with ``ok``), ``summary(result)`` is the message on success."""
    result, error = None, None
    if request.method == "POST" and form.validate():
        upload = form.file.data
        if not upload or not upload.filename:
            form.file.errors = ["Choose a file to import."]
        else:
            try:
                uploaded = read(upload.filename, upload.read(files.MAX_UPLOAD_BYTES + 1))
            except files.UploadError as err:
                error = str(err)
            else:
                result = save(uploaded)
                if result.ok:
                    flash(summary(result), "success")
                    return redirect(done_url)
    status = 422 if error or (result and not result.ok) or form.errors else 200
    return render_template(template, form=form, result=result, error=error,
                           limits=(files.MAX_UPLOAD_BYTES // (1024 * 1024), files.MAX_FILES)), status
