"""Tandem's web application, its kernel (settings, db, models, errors) and its edge."""
