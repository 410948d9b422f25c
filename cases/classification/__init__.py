"""Classification: the rule (rule: tables and evaluation; explain: its words; both pure) and its
ORM adapter (inputs). Nothing is re-exported here, so importing the pure rule never loads Django."""
