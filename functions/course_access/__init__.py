"""Who may read what: the one access rule, shipped in the edge and the Content Delivery packages."""
