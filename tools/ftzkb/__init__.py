"""ftzkb: the Jiangsu FTZ reform-replication knowledge base."""

__version__ = "0.3.0"
