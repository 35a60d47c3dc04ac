"""The record stage: everything that changes data files. Adoptions from the command line
(`adopt`) and from sheets (`bulk`), minimal-diff edits (`edit`), new cases (`scaffold`) and the
one writer (`writes`) they all go through."""
