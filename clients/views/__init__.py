"""Client pages, one module per area: list, detail (timeline and contacts), case (extension,
move, closing), edit (create, edit, consents), transfer (import and export).
Every queryset starts from ``Client.objects.visible_to``."""
