from django.contrib.auth.decorators import login_required


@login_required
def extension_request(request, code):
    raise NotImplementedError


@login_required
def extension_decide(request, pk):
    raise NotImplementedError


@login_required
def move(request, code):
    raise NotImplementedError


@login_required
def close(request, code):
    raise NotImplementedError


@login_required
def reopen(request, code):
    raise NotImplementedError
