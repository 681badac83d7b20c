"""The words the site and the submissions share: the labels of the enumerations, the
form definitions (fields, titles, option texts). It lives below both, so that neither
imports the other: a site form and the issue form it prefills read one definition."""
