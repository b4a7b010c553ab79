# io layer tests (owned by the io work)
