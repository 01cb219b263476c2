"""The app's URLs plus one bare view: the yardstick for pages that show one thing."""

from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.urls import path

from headway.okrs.models import Objective
from headway.urls import urlpatterns as app_urls

PAGE = Template(
    "<!doctype html><title>{{ objective.title }}</title><h1>{{ objective.title }}</h1>"
    "<ul>{% for kr in key_results %}<li>{{ kr.title }}: {{ kr.target }}</li>{% endfor %}</ul>"
)


def bare(request: HttpRequest, key: str) -> HttpResponse:
    """One objective and its key results, read and rendered with nothing else."""
    objective = Objective.objects.get(key=key)
    context = {"objective": objective, "key_results": list(objective.key_results.all())}
    return HttpResponse(PAGE.render(Context(context)))


urlpatterns = [path("bench/bare/<str:key>/", bare), *app_urls]
