"""Models of the listings app, one file per concern; import them from ``listings.models``."""

from .listings import FacetKind, Listing, ListingFacet
from .profiles import PortfolioPhoto, SellerProfile
from .quote_requests import QuoteRequest
from .terms import ExclusivityClaim, LicenceTermsVersion
from .tiers import LicenceTermsTemplate, Tier

__all__ = [
    "ExclusivityClaim",
    "FacetKind",
    "LicenceTermsTemplate",
    "LicenceTermsVersion",
    "Listing",
    "ListingFacet",
    "PortfolioPhoto",
    "QuoteRequest",
    "SellerProfile",
    "Tier",
]
