"""The base of every error a user can act on: the command line prints its message, not a traceback."""


class UserError(Exception):
    """An error whose message says which input is wrong and what to do."""


class DataError(UserError, ValueError):
    """Bad input data; the message names the file, the line and what is wrong."""
