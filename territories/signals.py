from django.dispatch import Signal

# Sent inside the import transaction, once the communes and their programmes are up to date, so
# that apps holding copies of commune data (offers) refresh them atomically with the import.
territories_imported = Signal()
