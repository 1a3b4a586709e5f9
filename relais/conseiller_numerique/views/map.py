"""The public map of the advisors in post, its searchable list and its open data (oppositions honoured)."""

import json

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from relais.core.spreadsheets import csv_lines

from ..forms import CommuneField, MapSearchForm
from ..publicmap import SVG_HEIGHT, SVG_WIDTH, feature, map_outline, published_places


@login_not_required
def public_map(request):
    form = MapSearchForm(request.GET or None)
    near = None
    if form.is_valid() and form.cleaned_data["q"]:
        try:
            near = CommuneField().clean(form.cleaned_data["q"])
        except ValidationError as problem:
            form.add_error("q", problem)
    places = published_places(near=near)
    counts: dict = {}
    for item in places:
        if item.point is not None:
            counts.setdefault(item.point, []).append(item)
    points = [
        {"x": x, "y": y, "count": len(items), "label": items[0].place.commune.name} for (x, y), items in counts.items()
    ]
    return render(
        request,
        "conseiller_numerique/map.html",
        {
            "form": form,
            "near": near,
            "places": places,
            "outline": map_outline(),
            "points": points,
            "width": SVG_WIDTH,
            "height": SVG_HEIGHT,
        },
    )


@login_not_required
def map_geojson(request):
    collection = {"type": "FeatureCollection", "features": [feature(item) for item in published_places()]}
    response = HttpResponse(json.dumps(collection, ensure_ascii=False), content_type="application/geo+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
def map_csv(request):
    headers = (
        "lieu",
        "adresse",
        "commune",
        "code_insee",
        "latitude",
        "longitude",
        "acces",
        "horaires",
        "site_internet",
        "conseillers",
    )
    rows = (
        (
            item.place.name,
            item.place.address,
            item.place.commune.name,
            item.place.commune.insee_code,
            item.place.commune.latitude,
            item.place.commune.longitude,
            item.place.get_access_display(),
            item.place.opening_hours,
            item.place.website,
            ", ".join(advisor.full_name for advisor in item.advisors),
        )
        for item in published_places()
    )
    response = StreamingHttpResponse(csv_lines(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="conseillers-numeriques.csv"'
    return response
