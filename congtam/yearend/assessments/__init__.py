"""The self-assessment of the criteria model: the person writes theirs and proposes their own level,
a head or deputy adds the results of the unit in their charge, and HR and the inspector list who
has written one and who has not."""
