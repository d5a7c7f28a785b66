"""phongdich: a province's epidemic prevention and control platform."""
