"""observatory: conflict events from news reports, geolocated and source-attributed."""

__version__ = "0.1.0"
