"""OpenStreetMap side: finding the area, fetching its streets (Overpass or .pbf), assembling them."""
