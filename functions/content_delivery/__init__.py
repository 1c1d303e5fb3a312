"""Content Delivery API: catalog lookups answered with CloudFront URLs (see app.py)."""
