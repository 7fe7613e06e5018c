from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Talents des territoires")


accessibility = legal_notice = personal_data = data_sources = home


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return HttpResponse("Page non trouvée", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Erreur", status=500)
