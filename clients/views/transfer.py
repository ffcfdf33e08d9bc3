from django.contrib.auth.decorators import login_required


@login_required
def import_upload(request):
    raise NotImplementedError


@login_required
def export_download(request):
    raise NotImplementedError
