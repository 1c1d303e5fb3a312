"""Development tools that run the product on one machine (``make local``). Nothing here ships."""
