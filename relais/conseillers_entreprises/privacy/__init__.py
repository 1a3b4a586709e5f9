"""Conseillers-Entreprises in the privacy registry (seed 000 art. 6, seed 001 "mentions d'information").

- A company's contact data and requests are anonymised 3 years after the company's last use of the service: its
  last request, or the last exchange about its needs (a transmission, a position, a message, a survey answer). The
  subject, theme, establishment (NAF, staff size, commune), dates and statuses stay, so `/stats/` does not move;
  the contact, the descriptions and the thread are erased.
- An advisor's account is warned 30 days before 2 years without use, then closed: their personal data is deleted,
  their positions stay signed "Ancien conseiller".
- The newsletter forgets an unsubscribed address at once, and a subscription never confirmed after 30 days.
"""

from . import personal_data, rules  # noqa: F401  (each module registers its entries)
