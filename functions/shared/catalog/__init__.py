"""The course catalog: the item model, the DynamoDB store and (outside the function package)
the publishing steps. Used by the Content Delivery function, `bin/content` and `make local`."""
