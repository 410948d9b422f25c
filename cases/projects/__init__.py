"""A project as a whole: who belongs to it (role changes and removals that keep it whole), the
licence its data is shared under, and the progress figures its home page shows each role."""
