"""Custom resource for CloudFront configuration objects SAR cannot publish natively."""
