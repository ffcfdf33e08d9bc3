from django.contrib.auth.decorators import login_required


@login_required
def client_create(request):
    raise NotImplementedError


@login_required
def client_edit(request, code):
    raise NotImplementedError


@login_required
def consent_add(request, code):
    raise NotImplementedError


@login_required
def consent_revoke(request, code, pk):
    raise NotImplementedError
